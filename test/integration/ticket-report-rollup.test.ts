/*
 * The reports' daily ticket totals (ticket_daily_totals, see
 * TicketsService.rollUpReports): the summary and the dashboard answer the
 * same, byte for byte, before and after a rollup; a reclassified old ticket
 * counts at once (its day is dirty, read from the tickets) and after the
 * day is recomputed; periods that are not whole days are read from the
 * tickets; an interrupted rollup and two rollups at once count every day once.
 *
 * Tickets are made through the API (so created now) and moved to earlier
 * days by SQL, including both ends of a day; the figures are checked against
 * the tickets table read row by row. Last, an app with the scheduler on
 * rolls up on its own soon after it starts.
 */
import request from 'supertest';
import { Period } from '../../src/common/database/periods';
import { TransactionService } from '../../src/common/database/transaction.service';
import { TicketRollupRepository } from '../../src/tickets/ticket-rollup.repository';
import { TicketsService } from '../../src/tickets/tickets.service';
import { addDays, at, classifyTicket, DAY_MS, getRaw, grant, makeAccount, makeIncidentType, makeTicket, mondayOf, moveTicket, setPolicy, ticketId, utcDay } from '../factories';
import { sharedTestDatabase, startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb, TestDatabase } from '../helpers/test-database';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';

interface Row { at: string; fault: 'provider' | 'client' | 'undetermined'; kind: string; points: number; fee: number }
interface Totals { total: number; provider: number; client: number; undetermined: number; feeCents: number; waivedPoints: number }

/** A time as the tickets table holds it, as text: comparable with CAST(created_at AS CHAR). */
const asText = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 23);

describe(`reports from daily ticket totals (${DB})`, () => {
  let t: TestApp;
  let manager: TestUser;
  let tickets: TicketsService;
  let rollupRepo: TicketRollupRepository;

  const today = utcDay(new Date());
  const YESTERDAY = addDays(today, -1);
  const ROLLED = addDays(today, -2); // the last day a rollup today adds
  const D3 = addDays(today, -3);
  const D34 = addDays(today, -34);
  const D35 = addDays(today, -35);
  const D100 = addDays(today, -100);
  const D400 = addDays(today, -400); // seven 60-day steps before the rest

  // Whole-day periods asked through the API: [from, to].
  const PERIODS: [string?, string?][] = [
    [], [D400, D400], [D100, D35], [D35, D35], [D34], [undefined, D3], [ROLLED], [ROLLED, YESTERDAY], [YESTERDAY],
    [today, today], [D400, '9999-12-31'], [addDays(D400, -1), addDays(D100, 1)], [D3, ROLLED],
  ];
  const summaryUrl = ([from, to]: [string?, string?], csv = false) => {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (csv) q.set('format', 'csv');
    const s = q.toString();
    return `/api/reports/summary${s ? `?${s}` : ''}`;
  };
  const URLS = [...PERIODS.map((p) => summaryUrl(p)), summaryUrl([], true), summaryUrl([D100, D35], true), '/api/reports/dashboard'];

  // Periods that are not whole days, asked of the service.
  const PARTIAL: Period[] = [
    { from: at(D35, '18:00:00.000'), until: at(D34, '00:00:00.001') },
    { from: at(D400, '00:00:00.001') },
    { until: at(ROLLED, '23:59:59.999') },
    { from: at(D100, '09:00:00.000'), until: at(YESTERDAY, '12:00:00.000') },
  ];

  let ids: Record<'W1' | 'W2' | 'P1' | 'P2' | 'F1' | 'N1' | 'U1' | 'P3' | 'F2', string>;

  const ticket = (body: Record<string, unknown>) => ticketId(t, body);
  const classify = (id: string, fault: string) => classifyTicket(t, id, fault);
  const get = async (url: string) => {
    const res = await request(t.http).get(url).set(manager.auth);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** Every report answer, as the bytes sent. */
  const answers = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const url of URLS) {
      const r = await getRaw(t, url, manager);
      if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.bytes.toString()}`);
      out[url] = r.bytes.toString('base64');
    }
    return out;
  };

  // The tickets read one by one: what every figure must be.
  const ticketRows = async (): Promise<Row[]> => {
    const rows: { at: string; fault: Row['fault']; kind: string; points: number | string; fee: number | string }[] = await t.dataSource.query(
      'SELECT CAST(created_at AS CHAR) AS at, fault, charge_kind AS kind, charge_points AS points, charge_fee_cents AS fee FROM tickets',
    );
    return rows.map((r) => ({ at: String(r.at).slice(0, 23), fault: r.fault, kind: r.kind, points: Number(r.points), fee: Number(r.fee) }));
  };
  const totalsOf = (rows: Row[]): Totals => {
    const out = { total: 0, provider: 0, client: 0, undetermined: 0, feeCents: 0, waivedPoints: 0 };
    for (const r of rows) {
      out.total++;
      out[r.fault]++;
      if (r.kind === 'fee') out.feeCents += r.fee;
      if (r.kind === 'waived') out.waivedPoints += r.points;
    }
    return out;
  };
  const inDays = (rows: Row[], [from, to]: [string?, string?]) =>
    rows.filter((r) => (!from || r.at.slice(0, 10) >= from) && (!to || r.at.slice(0, 10) <= to));
  const inPeriod = (rows: Row[], p: Period) =>
    rows.filter((r) => (!p.from || r.at >= asText(p.from)) && (!p.until || r.at < asText(p.until)));
  const countsByDayOf = (rows: Row[]) => {
    const m = new Map<string, { day: string; fault: string; n: number }>();
    for (const r of rows) {
      const key = `${r.at.slice(0, 10)} ${r.fault}`;
      const e = m.get(key) ?? { day: r.at.slice(0, 10), fault: r.fault, n: 0 };
      e.n++;
      m.set(key, e);
    }
    return [...m.values()].sort((a, b) => (a.day + a.fault < b.day + b.fault ? -1 : 1));
  };

  /** Every report against the tickets read one by one. */
  const expectReportsMatchTickets = async () => {
    const rows = await ticketRows();
    for (const p of PERIODS) {
      const s = await get(summaryUrl(p));
      const want = totalsOf(inDays(rows, p));
      expect({ period: p, ...s.incidents, feeCents: s.feesCents, waivedPoints: s.points.waived }).toEqual({ period: p, ...want });
    }
    const dash = await get('/api/reports/dashboard');
    const weeks = new Map<string, { week: string; provider: number; client: number; undetermined: number }>(
      dash.incidentsByWeek.map((w: { week: string }) => [w.week, { week: w.week, provider: 0, client: 0, undetermined: 0 }]),
    );
    for (const r of rows) {
      const w = weeks.get(mondayOf(r.at.slice(0, 10)));
      if (w) w[r.fault]++;
    }
    expect(dash.incidentsByWeek).toEqual([...weeks.values()]);
    for (const p of PARTIAL) {
      expect(await tickets.totals(p)).toEqual(totalsOf(inPeriod(rows, p)));
      expect(await tickets.countsByDay(p)).toEqual(countsByDayOf(inPeriod(rows, p)));
    }
    return rows;
  };

  const rolledUntil = async (): Promise<string | null> => {
    const [r] = await t.dataSource.query('SELECT CAST(rolled_until AS CHAR) AS d FROM ticket_rollup WHERE id = 1');
    return r.d === null ? null : String(r.d);
  };
  const dirtyDays = async (): Promise<string[]> =>
    (await t.dataSource.query('SELECT CAST(day AS CHAR) AS day FROM ticket_dirty_days ORDER BY day')).map((r: { day: string }) => String(r.day));
  const rolledTickets = async (): Promise<{ days: number; tickets: number }> => {
    const [r] = await t.dataSource.query('SELECT COUNT(DISTINCT day) AS days, COALESCE(SUM(tickets), 0) AS n FROM ticket_daily_totals');
    return { days: Number(r.days), tickets: Number(r.n) };
  };
  const resetRollup = async () => {
    await t.dataSource.query('DELETE FROM ticket_daily_totals');
    await t.dataSource.query('DELETE FROM ticket_dirty_days');
    await t.dataSource.query('UPDATE ticket_rollup SET rolled_until = NULL WHERE id = 1');
  };
  const daysWithTickets = (rows: Row[], upTo: string) => new Set(rows.map((r) => r.at.slice(0, 10)).filter((d) => d <= upTo)).size;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    tickets = t.app.get(TicketsService);
    rollupRepo = t.app.get(TicketRollupRepository);
    const A = await makeAccount(t);
    const B = await makeAccount(t);
    const C = await makeAccount(t);
    const type2 = await makeIncidentType(t, 2);
    await setPolicy(t, { providerFaultBonusPoints: 1, enforceFrom: '2999-01-01' });
    const W1 = await ticket({ accountId: A.id, fault: 'client', incidentTypeId: type2.id }); // waived 2
    const W2 = await ticket({ accountId: B.id, fault: 'client' }); // waived 1
    await setPolicy(t, { enforceFrom: null });
    await grant(t, A.id, 10);
    const P1 = await ticket({ accountId: A.id, fault: 'client', incidentTypeId: type2.id }); // points 2
    const P2 = await ticket({ accountId: A.id, fault: 'client' }); // points 1
    const F1 = await ticket({ accountId: B.id, fault: 'client' }); // fee (B has no points)
    const N1 = await ticket({ accountId: A.id, fault: 'provider' }); // none, bonus 1
    const U1 = await ticket({ accountId: C.id }); // undetermined
    const P3 = await ticket({ accountId: A.id, fault: 'client' }); // points 1
    const F2 = await ticket({ accountId: B.id, fault: 'client', incidentTypeId: type2.id }); // fee
    await ticket({ accountId: A.id, channel: 'email', fault: 'client' }); // today: free by email
    await ticket({ accountId: C.id, fault: 'client' }); // today: fee
    ids = { W1, W2, P1, P2, F1, N1, U1, P3, F2 };

    await moveTicket(t, W1, at(D400, '00:00:00.000'));
    await moveTicket(t, W2, at(D35, '12:00:00.000'));
    await moveTicket(t, P1, at(D100, '10:00:00.000'));
    await moveTicket(t, P2, at(D35, '23:59:59.999'));
    await moveTicket(t, F1, at(D34, '00:00:00.000'));
    await moveTicket(t, N1, at(D3, '08:00:00.000'));
    await moveTicket(t, F2, at(D3, '23:00:00.000'));
    await moveTicket(t, U1, at(ROLLED, '23:59:59.999'));
    await moveTicket(t, P3, at(YESTERDAY, '00:00:00.000'));
  });
  afterAll(async () => {
    await t?.close();
  });

  let live: Record<string, string>;

  it('reads every report from the tickets before the first rollup', async () => {
    expect(await rolledUntil()).toBeNull();
    const rows = await expectReportsMatchTickets();
    expect(rows).toHaveLength(11);
    expect(totalsOf(rows)).toEqual({ total: 11, provider: 1, client: 9, undetermined: 1, feeCents: 3 * 7500, waivedPoints: 3 });
    live = await answers();
  });

  it('adds every day up to the day before yesterday, in steps, and the reports stay byte for byte the same', async () => {
    const rows = await ticketRows();
    const result = await tickets.rollUpReports();
    expect(result).toEqual({ days: 400 - 2 + 1, recomputed: 0 });
    expect(await rolledUntil()).toBe(ROLLED);
    // W1, W2 + P2, P1, F1, N1 + F2, U1: 6 days, 8 tickets (P3 yesterday and two today are not rolled).
    expect(await rolledTickets()).toEqual({ days: daysWithTickets(rows, ROLLED), tickets: 8 });
    expect(daysWithTickets(rows, ROLLED)).toBe(6);
    expect(await answers()).toEqual(live);
    await expectReportsMatchTickets();
    // Nothing left to do.
    expect(await tickets.rollUpReports()).toEqual({ days: 0, recomputed: 0 });
  });

  it('reads the rolled days from the totals, and periods that are not whole days from the tickets', async () => {
    await t.dataSource.query('UPDATE ticket_daily_totals SET tickets = tickets + 1000 WHERE day = ?', [D100]);
    try {
      expect((await get(summaryUrl([]))).incidents.total).toBe(11 + 1000);
      expect((await get(summaryUrl([D100, D100]))).incidents.total).toBe(1 + 1000);
      expect((await get(summaryUrl([D35]))).incidents.total).toBe(9);
      expect((await tickets.totals({ from: at(D100, '00:00:00.001') })).total).toBe(11 - 1);
      expect((await tickets.totals({ from: at(D400, '00:00:00.001') })).total).toBe(11 - 1);
    } finally {
      await t.dataSource.query('UPDATE ticket_daily_totals SET tickets = tickets - 1000 WHERE day = ?', [D100]);
    }
    expect(await answers()).toEqual(live);
  });

  it('counts a reclassified old ticket at once (its day is dirty) and after the day is recomputed', async () => {
    // P2: client-caused (1 point) on D35 → our fault: refunded, a bonus instead.
    expect((await classify(ids.P2, 'provider')).charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
    expect(await dirtyDays()).toEqual([D35]);
    const rows = await expectReportsMatchTickets();
    expect(totalsOf(inDays(rows, [D35, D35]))).toEqual({ total: 2, provider: 1, client: 1, undetermined: 0, feeCents: 0, waivedPoints: 1 });
    const changed = await answers();
    expect(changed).not.toEqual(live);

    expect(await tickets.rollUpReports()).toEqual({ days: 0, recomputed: 1 });
    expect(await dirtyDays()).toEqual([]);
    const [d35] = await t.dataSource.query(
      "SELECT SUM(tickets) AS n FROM ticket_daily_totals WHERE day = ? AND fault = 'provider'", [D35],
    );
    expect(Number(d35.n)).toBe(1);
    expect(await answers()).toEqual(changed);
    await expectReportsMatchTickets();
    live = changed;
  });

  it('leaves a day dirty when it is marked again while being recomputed', async () => {
    // F1 (fee, D34) → undetermined → client again: marked twice.
    await classify(ids.F1, 'undetermined');
    const [first] = await t.dataSource.query('SELECT CAST(day AS CHAR) AS day, CAST(marked_at AS CHAR) AS m FROM ticket_dirty_days');
    expect(String(first.day)).toBe(D34);
    await classify(ids.F1, 'client');
    const [second] = await t.dataSource.query('SELECT CAST(marked_at AS CHAR) AS m FROM ticket_dirty_days WHERE day = ?', [D34]);
    expect(String(second.m) > String(first.m)).toBe(true);
    // A round that read the first mark does not unmark the day.
    const tx = t.app.get(TransactionService);
    expect(await tx.run(undefined, (em) => rollupRepo.clearDirtyDay(em, D34, String(first.m)))).toBe(false);
    expect(await dirtyDays()).toEqual([D34]);
    await expectReportsMatchTickets();
    expect(await tickets.rollUpReports()).toEqual({ days: 0, recomputed: 1 });
    expect(await dirtyDays()).toEqual([]);
    await expectReportsMatchTickets();
    live = await answers();
  });

  it('reads a changed ticket of a day not rolled yet from the tickets, and unmarks its day when the day is rolled', async () => {
    // P3 (yesterday, 1 point) → undetermined.
    expect((await classify(ids.P3, 'undetermined')).charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
    expect(await dirtyDays()).toEqual([YESTERDAY]);
    await expectReportsMatchTickets();
    expect(await tickets.rollUpReports()).toEqual({ days: 0, recomputed: 0 });
    expect(await dirtyDays()).toEqual([YESTERDAY]);
    // A rollup a day later adds yesterday and unmarks it.
    expect(await tickets.rollUpReports(new Date(Date.now() + DAY_MS))).toEqual({ days: 1, recomputed: 0 });
    expect(await rolledUntil()).toBe(YESTERDAY);
    expect(await dirtyDays()).toEqual([]);
    await expectReportsMatchTickets();
    live = await answers();
  });

  it('counts every day once after an interrupted rollup', async () => {
    await resetRollup();
    const insert = rollupRepo.insertTotals.bind(rollupRepo);
    let calls = 0;
    const spy = jest.spyOn(rollupRepo, 'insertTotals').mockImplementation(async (em, rows) => {
      await insert(em, rows);
      if (++calls === 2) throw new Error('interrupted');
    });
    try {
      await expect(tickets.rollUpReports()).rejects.toThrow('interrupted');
    } finally {
      spy.mockRestore();
    }
    // The first 60-day step committed, the second rolled back whole.
    expect(await rolledUntil()).toBe(addDays(D400, 59));
    expect(await rolledTickets()).toEqual({ days: 1, tickets: 1 });
    expect(await answers()).toEqual(live);
    expect(await tickets.rollUpReports()).toEqual({ days: 400 - 2 + 1 - 60, recomputed: 0 });
    expect(await rolledTickets()).toEqual({ days: 6, tickets: 8 });
    expect(await answers()).toEqual(live);
    await expectReportsMatchTickets();
  });

  it('counts every day once when two rollups run at once', async () => {
    await resetRollup();
    // A change on a day not rolled yet, for the rollups to add and unmark.
    await classify(ids.P1, 'provider');
    expect(await dirtyDays()).toEqual([D100]);
    const rows = await ticketRows();
    const results = await Promise.all([tickets.rollUpReports(), tickets.rollUpReports()]);
    expect(results[0].days + results[1].days).toBe(400 - 2 + 1);
    expect(await rolledUntil()).toBe(ROLLED);
    expect(await dirtyDays()).toEqual([]);
    expect(await rolledTickets()).toEqual({ days: daysWithTickets(rows, ROLLED), tickets: 8 });
    await expectReportsMatchTickets();
    live = await answers();
    // Reports read by a rollup running meanwhile are right too.
    await resetRollup();
    const [during] = await Promise.all([answers(), tickets.rollUpReports()]);
    expect(during).toEqual(live);
  });
});

describe(`the report rollup runs soon after start with the scheduler on (${DB})`, () => {
  let db: TestDatabase;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('adds the days of tickets made before the app started without waiting an interval', async () => {
    db = await sharedTestDatabase();
    const first = await startTestApp({ database: db });
    try {
      const a = await makeAccount(first);
      const res = await makeTicket(first, { accountId: a.id });
      expect(res.status).toBe(201);
      await moveTicket(first, res.body.id, at(addDays(utcDay(new Date()), -10)));
    } finally {
      await first.close();
    }
    t = await startTestApp({ database: db, env: { SCHEDULER_ENABLED: 'true', REPORT_ROLLUP_INTERVAL_MS: '3600000' } });
    const app = t;
    const rolledUntil = async () => {
      const [r] = await app.dataSource.query('SELECT CAST(rolled_until AS CHAR) AS d FROM ticket_rollup WHERE id = 1');
      return r.d === null ? null : String(r.d);
    };
    const deadline = Date.now() + 10_000;
    while ((await rolledUntil()) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await rolledUntil()).toBe(addDays(utcDay(new Date()), -2));
    const [row] = await app.dataSource.query('SELECT SUM(tickets) AS n FROM ticket_daily_totals');
    expect(Number(row.n)).toBe(1);
  });
});
