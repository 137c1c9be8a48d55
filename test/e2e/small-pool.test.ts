import request from 'supertest';
import { grant, makeAccount, makeIncidentType, makeTicket, setPolicy } from '../factories';
import { buy5get6Id, makePurchase } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp } from '../helpers/test-app';

/**
 * Work inside a transaction must not wait for a second pooled connection:
 * with every connection held by a transaction that waits for another one, the
 * pool starves and every request hangs. Policy and incident types are cached
 * for 2 s; once stale they are re-read inside charging transactions (and by
 * the low-balance offer, which runs inside the debit's transaction). With a
 * pool of 2 (MySQL/MariaDB; SQLite has one connection anyway) and more
 * parallel calls than connections, every request must still be answered.
 */
describe('a small connection pool under parallel calls', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DB_POOL_SIZE: '2' } });
    await setPolicy(t, { lowBalanceThreshold: 2 });
  });
  afterAll(async () => { await t.close(); });

  const staleCaches = () => new Promise((resolve) => setTimeout(resolve, 2100));

  it('answers parallel chargeable calls that cross the low-balance threshold after the caches went stale', async () => {
    const type = await makeIncidentType(t, 1);
    const accounts = await Promise.all([makeAccount(t), makeAccount(t)]);
    for (const a of accounts) await grant(t, a.id, 4);
    await staleCaches();
    const res = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      request(t.http).post('/api/tickets').set(t.admin.auth).timeout(20_000)
        .send({ accountId: accounts[i % 2].id, channel: 'phone', subject: 'Parallel call', fault: 'client', incidentTypeId: type.id })));
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(201));
    const offers = await request(t.http).get('/api/notifications?kind=low_balance_offer').set(t.admin.auth);
    expect(offers.body.total).toBe(2); // one crossing (4 → … → 2) per account, one contact each
    await expectLedgerInvariants(t.dataSource);
  });

  it('answers parallel reclassifications after the caches went stale', async () => {
    const type = await makeIncidentType(t, 1);
    const a = await makeAccount(t);
    await grant(t, a.id, 10);
    const tickets = await Promise.all(Array.from({ length: 6 }, () => makeTicket(t, { accountId: a.id, fault: 'undetermined' })));
    await staleCaches();
    const res = await Promise.all(tickets.map((tk) =>
      request(t.http).post(`/api/tickets/${tk.body.id}/classify`).set(t.admin.auth)
        .send({ fault: 'client', incidentTypeId: type.id }).timeout(20_000)));
    expect(res.map((r) => r.status)).toEqual(Array(6).fill(200));
    await expectLedgerInvariants(t.dataSource);
  });

  it('answers parallel negative adjustments', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 3);
    const res = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(t.admin.auth).timeout(20_000)
        .send({ delta: -1, reason: `parallel correction ${i}` })));
    expect(res.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    await expectLedgerInvariants(t.dataSource);
  });

  it('answers parallel purchases and the payments that complete them', async () => {
    const bundleId = await buy5get6Id(t);
    const accounts = await Promise.all([makeAccount(t), makeAccount(t), makeAccount(t)]);
    await staleCaches();
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      request(t.http).post(`/api/accounts/${accounts[i % 3].id}/purchases`).set(t.admin.auth).timeout(20_000).send({ bundleId })));
    expect(created.map((r) => r.status)).toEqual(Array(6).fill(201));
    const paid = await Promise.all(created.map((r) =>
      request(t.http).post(`/api/purchases/${r.body.id}/payments`).set(t.admin.auth).timeout(20_000)
        .send({ amountCents: r.body.amountCents, method: 'cash' })));
    expect(paid.map((r) => r.body.status)).toEqual(Array(6).fill('paid'));
    const extra = await makePurchase(t, accounts[0].id, { bundleId });
    expect(extra.status).toBe('pending');
    await expectLedgerInvariants(t.dataSource);
  });
});
