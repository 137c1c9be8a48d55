/*
 * Issue 5, bulk grants: the segment preview before anything happens, then
 * POST /api/grant-batches (manager, Idempotency-Key honoured) → 202 and the
 * background batches: one `grant` entry per active account of the segment
 * with the batch's reason, exactly once however often it is retried or the
 * batches run, audited once with reason and manager. Bad input → 400
 * naming the field with nothing written; an agent → 403.
 */
import request from 'supertest';
import { balanceOf, makeAccount, runGrantBatches } from '../factories';
import { auditOf, expectNothingWritten, messageOf, tag } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';
import { GrantBatchesService } from '../../src/grant-batches/grant-batches.service';

interface Batch {
  id: string; audience: Record<string, unknown>; audienceText: string; points: number; reason: string; status: 'running' | 'done';
  accounts: { total: number; done: number; skipped: number; pending: number }; pointsGranted: number;
  createdById: string; createdAt: string; finishedAt: string | null;
}
interface Entry { kind: string; delta: number; balanceAfter: number; reason: string; actorId: string | null; letterId: string | null }

const UNKNOWN_IDS = ['999999', 'abc', '0', '-1', '1.5', '999999999999999'];

describe(`bulk grants (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let client: TestUser;
  const mark = tag();
  let fav1: { id: string; name: string };
  let fav2: { id: string; name: string };
  let plain: { id: string; name: string };
  let closedFav: { id: string; name: string };

  const batchCount = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM grant_batches'))[0].n);
  const batchAccountCount = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM grant_batch_accounts'))[0].n);
  const start = (body: object, as: TestUser = manager, key?: string) => {
    const req = request(t.http).post('/api/grant-batches').set(as.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const batchOf = async (id: string): Promise<Batch> => (await request(t.http).get(`/api/grant-batches/${id}`).set(manager.auth).expect(200)).body;
  const grantsOf = async (accountId: string): Promise<Entry[]> =>
    (await request(t.http).get(`/api/accounts/${accountId}/points?limit=200`).set(t.admin.auth).expect(200)).body.items
      .filter((e: Entry) => e.kind === 'grant');
  /** A refused start: 400 (or `status`) naming the fields, nothing written, grant_batches included. */
  async function refused(body: object, fields: string[], status = 400, as: TestUser = manager) {
    const [batches, rows] = [await batchCount(), await batchAccountCount()];
    const res = await expectNothingWritten(t, () => start(body, as));
    expect({ body, status: res.status }).toEqual({ body, status });
    for (const f of fields) expect(messageOf(res.body)).toContain(f);
    expect([await batchCount(), await batchAccountCount()]).toEqual([batches, rows]);
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { CAMPAIGN_BATCH_SIZE: '2' } });
    manager = await t.user('manager');
    agent = await t.user('agent');
    fav1 = await makeAccount(t, { name: `Bg Fav One ${mark}`, favoured: true, customerSince: '2011-05-01' });
    fav2 = await makeAccount(t, {
      name: `Bg Fav Two ${mark}`, favoured: true,
      contacts: [{ name: 'Two A', email: `two.a.${mark}@client.test` }, { name: 'Two B', email: `two.b.${mark}@client.test` }],
    });
    plain = await makeAccount(t, { name: `Bg Plain ${mark}`, favoured: false, customerSince: '2009-01-01' });
    closedFav = await makeAccount(t, { name: `Bg Closed ${mark}`, favoured: true });
    await request(t.http).post(`/api/accounts/${closedFav.id}/close`).set(t.admin.auth).send({ reason: 'left us' }).expect(200);
    client = await t.user('client', fav1.id);
  });
  afterAll(async () => { await t.close(); });

  it('previews a segment before anything happens: accounts, emails, points per account and in total, the accounts by name', async () => {
    const before = await expectNothingWritten(t, () => request(t.http).get('/api/segments/preview?favoured=true&points=7').set(manager.auth));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ accounts: 2, emails: 3, accountsWithoutContacts: 0, pointsPerAccount: 7, points: 14 });
    expect(before.body.sample.map((a: { id: string }) => a.id)).toEqual([fav1.id, fav2.id]);
    expect(before.body.sample[0]).toMatchObject({ name: fav1.name, favoured: true, status: 'active', balance: 0 });

    const all = (await request(t.http).get('/api/segments/preview').set(manager.auth).expect(200)).body;
    expect(all).toMatchObject({ accounts: 3, emails: 4, pointsPerAccount: 0, points: 0 });
    const old = (await request(t.http).get('/api/segments/preview?customerSinceBefore=2010-01-01&points=10000').set(manager.auth).expect(200)).body;
    expect(old).toMatchObject({ accounts: 1, points: 10000 });
    expect(old.sample.map((a: { id: string }) => a.id)).toEqual([plain.id]);
  });

  describe('a bulk grant to the favoured accounts', () => {
    let batch: Batch;
    const reason = `Grandfathered points for long-standing clients ${mark}`;

    it('starts with 202, running, the segment frozen and nothing granted yet', async () => {
      const res = await start({ audience: { favoured: true }, points: 7, reason });
      expect(res.status).toBe(202);
      batch = res.body;
      expect(batch).toMatchObject({
        id: expect.any(String), audience: { favoured: true }, points: 7, reason, status: 'running',
        accounts: { total: 2, done: 0, skipped: 0, pending: 2 }, pointsGranted: 0, createdById: manager.id, finishedAt: null,
      });
      expect(await grantsOf(fav1.id)).toEqual([]);
      const list = await request(t.http).get('/api/grant-batches').set(manager.auth).expect(200);
      expect(list.body.items.map((b: Batch) => b.id)).toContain(batch.id);
    });

    it('is audited once as points.bulk_grant with the reason, the manager and the totals', async () => {
      const audit = await auditOf(t, 'grant_batch', batch.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'points.bulk_grant', actorId: manager.id, reason });
      expect(audit[0].after).toMatchObject({ accounts: 2, pointsPerAccount: 7, points: 14 });
    });

    it('runs to done: exactly one grant per account with the reason; the others get nothing', async () => {
      expect(await t.app.get(GrantBatchesService).runBatch()).toBe(2);
      await runGrantBatches(t);
      const done = await batchOf(batch.id);
      expect(done).toMatchObject({ status: 'done', accounts: { total: 2, done: 2, skipped: 0, pending: 0 }, pointsGranted: 14 });
      expect(done.finishedAt).not.toBeNull();
      for (const acc of [fav1, fav2]) {
        const grants = await grantsOf(acc.id);
        expect(grants.map((g) => [g.delta, g.balanceAfter, g.reason, g.actorId])).toEqual([[7, 7, reason, manager.id]]);
        expect(await balanceOf(t, acc.id)).toBe(7);
      }
      expect(await grantsOf(plain.id)).toEqual([]);
      expect(await grantsOf(closedFav.id)).toEqual([]);
    });

    it('grants nothing more when the batches run again', async () => {
      await expectNothingWritten(t, () => runGrantBatches(t));
      expect(await balanceOf(t, fav1.id)).toBe(7);
      await expectLedgerInvariants(t.dataSource);
    });
  });

  it('skips an account closed after the start and before its batch: no grant', async () => {
    const a = await makeAccount(t, { name: `Bg Late A ${mark}`, customerSince: '1990-01-01' });
    const b = await makeAccount(t, { name: `Bg Late B ${mark}`, customerSince: '1990-01-02' });
    const res = await start({ audience: { customerSinceBefore: '1991-01-01' }, points: 3, reason: 'Late closers' });
    expect(res.status).toBe(202);
    expect(res.body.accounts).toEqual({ total: 2, done: 0, skipped: 0, pending: 2 });
    await request(t.http).post(`/api/accounts/${b.id}/close`).set(t.admin.auth).send({ reason: 'closing' }).expect(200);
    await runGrantBatches(t);
    expect(await batchOf(res.body.id)).toMatchObject({ status: 'done', accounts: { total: 2, done: 1, skipped: 1, pending: 0 }, pointsGranted: 3 });
    expect((await grantsOf(a.id)).map((g) => g.delta)).toEqual([3]);
    expect(await grantsOf(b.id)).toEqual([]);
  });

  describe('Idempotency-Key', () => {
    it('a retry with the same key and body answers the same, starts no second batch and grants once', async () => {
      const key = `bulk-${tag()}`;
      const body = { audience: { customerSinceBefore: '2010-01-01' }, points: 4, reason: 'Retried bulk grant' };
      const first = await start(body, manager, key);
      expect(first.status).toBe(202);
      const [batches, rows] = [await batchCount(), await batchAccountCount()];
      const again = await start(body, manager, key);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect([await batchCount(), await batchAccountCount()]).toEqual([batches, rows]);
      await runGrantBatches(t);
      // Also after the batch ran, a retry replays the original answer and does nothing.
      const late = await expectNothingWritten(t, () => start(body, manager, key));
      expect(late.status).toBe(202);
      expect(late.body).toEqual(first.body);
      await runGrantBatches(t);
      expect((await grantsOf(plain.id)).filter((g) => g.reason === 'Retried bulk grant').map((g) => g.delta)).toEqual([4]);
      expect((await auditOf(t, 'grant_batch', first.body.id))).toHaveLength(1);
    });

    it('two requests racing with the same key start one batch and both answer it', async () => {
      const key = `bulk-${tag()}`;
      const body = { audience: { favoured: true }, points: 2, reason: 'Racing bulk grant' };
      const batches = await batchCount();
      const [x, y] = await Promise.all([start(body, manager, key), start(body, manager, key)]);
      expect([x.status, y.status]).toEqual([202, 202]);
      expect(y.body.id).toBe(x.body.id);
      expect(await batchCount()).toBe(batches + 1);
      await runGrantBatches(t);
      expect((await grantsOf(fav2.id)).filter((g) => g.reason === 'Racing bulk grant').map((g) => g.delta)).toEqual([2]);
    });

    it('the same key with a different body is 409, writing nothing', async () => {
      const key = `bulk-${tag()}`;
      expect((await start({ audience: { favoured: false }, points: 1, reason: 'First body' }, manager, key)).status).toBe(202);
      const [batches, rows] = [await batchCount(), await batchAccountCount()];
      const res = await expectNothingWritten(t, () => start({ audience: { favoured: false }, points: 2, reason: 'First body' }, manager, key));
      expect(res.status).toBe(409);
      expect([await batchCount(), await batchAccountCount()]).toEqual([batches, rows]);
      await runGrantBatches(t);
    });
  });

  describe('refused', () => {
    it('an empty segment: 400 naming audience', async () => {
      await refused({ audience: { favoured: true, customerSinceBefore: '1900-01-01' }, points: 5, reason: 'Nobody at all' }, ['audience']);
      // The closed favoured account alone is not an audience either.
      await refused({ audience: { minIncidents: 1 }, points: 5, reason: 'No callers yet' }, ['audience']);
    });

    const bad: [Record<string, unknown>, string][] = [
      [{ points: 0 }, 'points'], [{ points: 10_001 }, 'points'], [{ points: 2.5 }, 'points'], [{ points: '5' }, 'points'],
      [{ points: null }, 'points'], [{ reason: 'ab' }, 'reason'], [{ reason: '   ' }, 'reason'], [{ reason: 'x'.repeat(501) }, 'reason'],
      [{ reason: undefined }, 'reason'], [{ audience: undefined }, 'audience'], [{ audience: 'favoured' }, 'audience'],
      [{ audience: { vip: true } }, 'vip'], [{ audience: { favoured: 'yes' } }, 'favoured'],
      [{ audience: { customerSinceBefore: '2024-02-30' } }, 'customerSinceBefore'], [{ audience: { minIncidents: -1 } }, 'minIncidents'],
      [{ audience: { minIncidents: 1, incidentWindowDays: 0 } }, 'incidentWindowDays'], [{ status: 'done' }, 'status'],
    ];
    const label = (p: Record<string, unknown>) => Object.entries(p)
      .map(([k, v]) => `${k} ${v === undefined ? 'missing' : typeof v === 'string' && v.length > 20 ? `of ${v.length} characters` : JSON.stringify(v)}`).join(', ');
    it.each(bad.map(([patch, field]) => ({ what: label(patch), patch, field })))('$what → 400 naming $field, nothing written', async ({ patch, field }) => {
      await refused({ audience: { favoured: true }, points: 5, reason: 'A valid reason', ...patch }, [field]);
    });

    it('for an agent or a client: 403, nothing written', async () => {
      await refused({ audience: {}, points: 5, reason: 'Agents cannot grant' }, [], 403, agent);
      await refused({ audience: {}, points: 5, reason: 'Clients cannot grant' }, [], 403, client);
      await expectNothingWritten(t, async () => {
        expect((await request(t.http).get('/api/grant-batches').set(agent.auth)).status).toBe(403);
        expect((await request(t.http).get('/api/segments/preview').set(agent.auth)).status).toBe(403);
      });
    });

    it.each(UNKNOWN_IDS)('GET /api/grant-batches/%s → 404', async (id) => {
      const res = await request(t.http).get(`/api/grant-batches/${id}`).set(manager.auth);
      expect(res.status).toBe(404);
    });
  });

  it('every balance is the sum of its entries', async () => {
    await expectLedgerInvariants(t.dataSource);
  });
});
