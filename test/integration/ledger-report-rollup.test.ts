/*
 * The reports' daily ledger totals (ledger_daily_totals) must give exactly
 * what summing the entries gives: after a rollup, with entries written since
 * (read from the entries after the rollup's id), after rounds racing each
 * other, and on MariaDB only once an id was seen a lag earlier (entries of
 * transactions still running are never added early).
 */
import request from 'supertest';
import { PointBankService } from '../../src/point-bank/point-bank.service';
import { grant, makeAccount, makeTicket } from '../factories';
import { addDays, at, setTime, utcDay } from '../factories/reports';
import { startTestApp, TestApp } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';

describe(`reports: daily ledger totals (${DB})`, () => {
  let t: TestApp;
  let bank: PointBankService;
  const today = utcDay(new Date());
  const windows = ['', `?from=${addDays(today, -40)}&to=${addDays(today, -30)}`, `?from=${today}&to=${today}`, `?to=${addDays(today, -1)}`, `?from=${addDays(today, -35)}`];

  beforeAll(async () => {
    t = await startTestApp();
    bank = t.app.get(PointBankService);
    const a = await makeAccount(t);
    const b = await makeAccount(t);
    for (let i = 0; i < 4; i++) await grant(t, a.id, 3 + i);
    await grant(t, b.id, 10);
    for (let i = 0; i < 3; i++) await makeTicket(t, { accountId: a.id, fault: 'client' });
    await makeTicket(t, { accountId: b.id, fault: 'provider' });
    // Spread the entries over earlier days, both ends of a day included.
    const ids = (await t.dataSource.query('SELECT id FROM ledger_entries ORDER BY id') as { id: number }[]).map((r) => Number(r.id));
    await setTime(t, 'ledger_entries', 'created_at', ids.slice(0, 2), at(addDays(today, -35), '00:00:00.000'));
    await setTime(t, 'ledger_entries', 'created_at', ids.slice(2, 4), at(addDays(today, -31), '23:59:59.999'));
    await setTime(t, 'ledger_entries', 'created_at', ids.slice(4, 6), at(addDays(today, -3)));
  });
  afterAll(async () => {
    await t.close();
  });

  const reports = async () => {
    const out: Record<string, unknown> = {};
    for (const w of windows) out[`summary${w}`] = (await request(t.http).get(`/api/reports/summary${w}`).set(t.admin.auth).expect(200)).body.points;
    out.dashboard = (await request(t.http).get('/api/reports/dashboard').set(t.admin.auth).expect(200)).body.pointsByWeek;
    return out;
  };
  const totals = async () => {
    const [daily] = await t.dataSource.query('SELECT COALESCE(SUM(points), 0) AS p, COALESCE(SUM(entries), 0) AS n FROM ledger_daily_totals') as { p: number; n: number }[];
    const [ledger] = await t.dataSource.query('SELECT COALESCE(SUM(delta), 0) AS p, COUNT(*) AS n FROM ledger_entries') as { p: number; n: number }[];
    return { daily: { points: Number(daily.p), entries: Number(daily.n) }, ledger: { points: Number(ledger.p), entries: Number(ledger.n) } };
  };
  /** Rolls up everything written so far (on MariaDB a round first looks, and adds what it saw once the lag has passed; SQLite needs no lag); returns how many entries were added. */
  const rollUp = async () =>
    (await bank.rollUpReports({ lagMs: 60_000 })) + (await bank.rollUpReports({ now: new Date(Date.now() + 60_000), lagMs: 60_000 }));

  it('gives the same figures read from the totals as from the entries', async () => {
    const live = await reports();
    expect((await totals()).daily.entries).toBe(0);
    const added = await rollUp();
    const { daily, ledger } = await totals();
    expect(added).toBe(ledger.entries);
    expect(daily).toEqual(ledger);
    expect(await reports()).toEqual(live);
  });

  it('counts entries written after the rollup from the entries themselves, and adds them on the next round', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 7);
    await makeTicket(t, { accountId: a.id, fault: 'client' });
    const before = (await totals()).daily;
    const live = await reports();
    expect((await request(t.http).get(`/api/reports/summary?from=${today}&to=${today}`).set(t.admin.auth)).body.points.granted).toBeGreaterThanOrEqual(7);
    expect(await rollUp()).toBe(2);
    const { daily, ledger } = await totals();
    expect(daily.entries).toBe(before.entries + 2);
    expect(daily).toEqual(ledger);
    expect(await reports()).toEqual(live);
  });

  it('adds nothing twice when rounds race', async () => {
    const a = await makeAccount(t);
    for (let i = 0; i < 5; i++) await grant(t, a.id, 1);
    const live = await reports();
    await Promise.all([rollUp(), rollUp(), rollUp()]);
    await rollUp();
    const { daily, ledger } = await totals();
    expect(daily).toEqual(ledger);
    expect(await reports()).toEqual(live);
  });

  (onMariaDb() ? it : it.skip)('on MariaDB adds an id only once it was seen a lag earlier', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 4);
    const before = (await totals()).daily;
    // First round: looks at the highest id, adds nothing yet.
    expect(await bank.rollUpReports({ lagMs: 60_000 })).toBe(0);
    // Not yet a lag later: still nothing.
    expect(await bank.rollUpReports({ now: new Date(Date.now() + 30_000), lagMs: 60_000 })).toBe(0);
    expect((await totals()).daily).toEqual(before);
    expect(await bank.rollUpReports({ now: new Date(Date.now() + 61_000), lagMs: 60_000 })).toBe(1);
    const { daily, ledger } = await totals();
    expect(daily).toEqual(ledger);
  });
});
