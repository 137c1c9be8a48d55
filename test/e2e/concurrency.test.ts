import request from 'supertest';
import { balanceOf, grant, makeAccount, setPolicy } from '../factories';
import { ledgerRows } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

/**
 * PRODUCT.md rule 2: a point is never spent twice and a balance never goes
 * below zero, however many calls are logged at once — checked through the
 * API with requests fired together (no Idempotency-Key: each is a new request).
 */
describe('parallel requests on one balance', () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    agent = await t.user('agent');
  });
  afterAll(async () => { await t.close(); });
  afterEach(async () => {
    await expectLedgerInvariants(t.dataSource);
    await setPolicy(t, { onShortfall: 'fee' });
  });

  const many = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

  it('applies every one of 10 parallel grants exactly once', async () => {
    const a = await makeAccount(t);
    const res = await many(10, (i) => request(t.http).post(`/api/accounts/${a.id}/points/grants`).set(manager.auth).send({ points: i + 1, reason: `parallel grant ${i}` }));
    expect(res.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(await balanceOf(t, a.id)).toBe(55);
    expect(new Set(res.map((r) => r.body.balanceAfter)).size).toBe(10);
    expect((await ledgerRows(t, a.id)).map((e) => e.delta).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('lets exactly as many parallel −1 adjustments through as the balance covers; the rest are 409', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 4);
    const res = await many(10, (i) => request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -1, reason: `parallel fix ${i}` }));
    const statuses = res.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(4).fill(201), ...Array(6).fill(409)]);
    expect(await balanceOf(t, a.id)).toBe(0);
    expect((await ledgerRows(t, a.id)).filter((e) => e.kind === 'adjustment')).toHaveLength(4);
  });

  it('debits exactly as many parallel client-caused calls as the balance covers and bills the rest as fees', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 3);
    const res = await many(8, (i) => request(t.http).post('/api/tickets').set(agent.auth)
      .send({ accountId: a.id, channel: 'phone', subject: `Rush call ${i}`, fault: 'client' }));
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(201));
    const kinds = res.map((r) => r.body.charge.kind).sort();
    expect(kinds).toEqual([...Array(5).fill('fee'), ...Array(3).fill('points')]);
    expect(await balanceOf(t, a.id)).toBe(0);
    expect((await ledgerRows(t, a.id)).filter((e) => e.kind === 'incident')).toHaveLength(3);
  });

  it('with onShortfall block, refuses the calls the balance cannot cover (409) and saves none of them', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 2);
    await setPolicy(t, { onShortfall: 'block' });
    const res = await many(6, (i) => request(t.http).post('/api/tickets').set(agent.auth)
      .send({ accountId: a.id, channel: 'phone', subject: `Blocked rush ${i}`, fault: 'client' }));
    expect(res.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    const list = await request(t.http).get(`/api/tickets?accountId=${a.id}`).set(agent.auth);
    expect(list.body.total).toBe(2);
    expect(await balanceOf(t, a.id)).toBe(0);
  });
});
