import request from 'supertest';
import { balanceOf, grant, makeAccount, setPolicy } from '../factories';
import { counts, expectNothingWritten, ledgerRows, messageOf, tag, ticketCount } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

/**
 * Idempotency-Key on POST /api/tickets, /points/grants and /points/adjustments:
 * a retry gets the original status and body, and nothing is applied twice.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let manager: TestUser;
  let manager2: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    manager2 = await t.user('manager');
    agent = await t.user('agent');
  });
  afterAll(async () => { await t.close(); });
  afterEach(async () => {
    await expectLedgerInvariants(t.dataSource);
    await setPolicy(t, { onShortfall: 'fee' });
  });

  /** The error body without its per-request id: everything a client can act on. */
  const stable = (body: Record<string, unknown>) => {
    const { requestId: _ignored, ...rest } = body;
    return rest;
  };
  const post = (url: string, key: string | undefined, body: object, as: TestUser) => {
    const req = request(t.http).post(url).set(as.auth);
    return key === undefined ? req.send(body) : req.set('Idempotency-Key', key).send(body);
  };

  describe('POST /api/tickets', () => {
    it('replays the same 201 and ticket on retry, charging once', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 5);
      const key = `call-${tag()}`;
      const body = { accountId: a.id, channel: 'phone', subject: 'Cannot export', fault: 'client' };
      const first = await post('/api/tickets', key, body, agent);
      expect(first.status).toBe(201);
      expect(first.body.charge).toEqual({ kind: 'points', points: 1, feeCents: 0 });
      const ledger = await ledgerRows(t, a.id);
      for (let i = 0; i < 3; i++) {
        const again = await post('/api/tickets', key, body, agent);
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
      }
      expect(await ticketCount(t, a.id)).toBe(1);
      expect(await balanceOf(t, a.id)).toBe(4);
      expect(await ledgerRows(t, a.id)).toEqual(ledger);
    });

    it('treats the same body with its keys in another order as the same request', async () => {
      const a = await makeAccount(t);
      const key = `order-${tag()}`;
      const first = await post('/api/tickets', key, { accountId: a.id, channel: 'email', subject: 'Order' }, agent);
      const again = await post('/api/tickets', key, { subject: 'Order', channel: 'email', accountId: a.id }, agent);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await ticketCount(t, a.id)).toBe(1);
    });

    it('creates a ticket per request without a key', async () => {
      const a = await makeAccount(t);
      const body = { accountId: a.id, channel: 'email', subject: 'No key' };
      const one = await post('/api/tickets', undefined, body, agent);
      const two = await post('/api/tickets', undefined, body, agent);
      expect([one.status, two.status]).toEqual([201, 201]);
      expect(one.body.id).not.toBe(two.body.id);
      expect(await ticketCount(t, a.id)).toBe(2);
    });

    it('answers 409 for the same key with a different body, and applies nothing', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 5);
      const key = `mismatch-${tag()}`;
      const first = await post('/api/tickets', key, { accountId: a.id, channel: 'phone', subject: 'First', fault: 'client' }, agent);
      expect(first.status).toBe(201);
      await expectNothingWritten(t, async () => {
        const other = await post('/api/tickets', key, { accountId: a.id, channel: 'phone', subject: 'Second', fault: 'client' }, agent);
        expect(other.status).toBe(409);
        expect(other.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
        expect(messageOf(other.body)).toMatch(/idempotency/i);
      });
      expect(await ticketCount(t, a.id)).toBe(1);
      expect(await balanceOf(t, a.id)).toBe(4);
      // The original request is still replayable.
      const again = await post('/api/tickets', key, { accountId: a.id, channel: 'phone', subject: 'First', fault: 'client' }, agent);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
    });

    it('logs exactly one call for 10 parallel requests with the same key, all answered alike', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 10);
      const key = `parallel-${tag()}`;
      const body = { accountId: a.id, channel: 'phone', subject: 'Parallel', fault: 'client' };
      const answers = await Promise.all(Array.from({ length: 10 }, () => post('/api/tickets', key, body, agent)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
      for (const r of answers) expect(r.body).toEqual(answers[0].body);
      expect(await ticketCount(t, a.id)).toBe(1);
      expect(await balanceOf(t, a.id)).toBe(9);
      expect((await ledgerRows(t, a.id)).filter((e) => e.kind === 'incident')).toEqual([{ kind: 'incident', delta: -1 }]);
    });

    it('replays a refused call (shortfall blocked, 409) as the same 409, even once the policy would allow it', async () => {
      const a = await makeAccount(t);
      await setPolicy(t, { onShortfall: 'block' });
      const key = `blocked-${tag()}`;
      const body = { accountId: a.id, channel: 'phone', subject: 'Blocked', fault: 'client' };
      const first = await post('/api/tickets', key, body, agent);
      expect(first.status).toBe(409);
      await setPolicy(t, { onShortfall: 'fee' });
      await expectNothingWritten(t, async () => {
        const again = await post('/api/tickets', key, body, agent);
        expect(again.status).toBe(409);
        expect(stable(again.body)).toEqual(stable(first.body));
      });
      expect(await ticketCount(t, a.id)).toBe(0);
      // A new key is a new request and now logs the call with a fee.
      const fresh = await post('/api/tickets', `${key}-2`, body, agent);
      expect(fresh.status).toBe(201);
      expect(fresh.body.charge).toEqual({ kind: 'fee', points: 0, feeCents: 7500 });
    });

    it('replays a 404 (unknown account) as the same 404', async () => {
      const key = `ghost-${tag()}`;
      const body = { accountId: '999999', channel: 'phone', subject: 'Ghost' };
      const first = await post('/api/tickets', key, body, agent);
      expect(first.status).toBe(404);
      const again = await post('/api/tickets', key, body, agent);
      expect(again.status).toBe(404);
      expect(stable(again.body)).toEqual(stable(first.body));
    });
  });

  describe('POST /api/accounts/:id/points/grants', () => {
    it('grants once however often it is retried, answering 201 with the same entry', async () => {
      const a = await makeAccount(t);
      const key = `grant-${tag()}`;
      const url = `/api/accounts/${a.id}/points/grants`;
      const first = await post(url, key, { points: 7, reason: 'loyal since 2012' }, manager);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ kind: 'grant', delta: 7, balanceAfter: 7, accountId: a.id });
      const again = await post(url, key, { points: 7, reason: 'loyal since 2012' }, manager);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await balanceOf(t, a.id)).toBe(7);
      expect(await ledgerRows(t, a.id)).toEqual([{ kind: 'grant', delta: 7 }]);
    });

    it('keeps keys per user: another manager with the same key gets its own grant', async () => {
      const a = await makeAccount(t);
      const key = `shared-${tag()}`;
      const url = `/api/accounts/${a.id}/points/grants`;
      const body = { points: 3, reason: 'goodwill' };
      const mine = await post(url, key, body, manager);
      const theirs = await post(url, key, body, manager2);
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect(theirs.body.actorId).toBe(manager2.id);
      expect(await balanceOf(t, a.id)).toBe(6);
      // And each one's retry replays its own answer.
      expect((await post(url, key, body, manager)).body).toEqual(mine.body);
      expect((await post(url, key, body, manager2)).body).toEqual(theirs.body);
      expect(await balanceOf(t, a.id)).toBe(6);
    });

    it('refuses a key longer than 100 characters with 400 and applies nothing; 100 is fine', async () => {
      const a = await makeAccount(t);
      const url = `/api/accounts/${a.id}/points/grants`;
      await expectNothingWritten(t, async () => {
        const res = await post(url, 'k'.repeat(101), { points: 1, reason: 'goodwill' }, manager);
        expect(res.status).toBe(400);
        expect(messageOf(res.body)).toMatch(/Idempotency-Key/i);
      });
      const ok = await post(url, 'k'.repeat(100) , { points: 1, reason: 'goodwill' }, manager);
      expect(ok.status).toBe(201);
      expect(await balanceOf(t, a.id)).toBe(1);
    });

    it('answers 409 when the key was used with another amount or on another endpoint', async () => {
      const a = await makeAccount(t);
      const key = `amount-${tag()}`;
      const first = await post(`/api/accounts/${a.id}/points/grants`, key, { points: 5, reason: 'goodwill' }, manager);
      expect(first.status).toBe(201);
      await expectNothingWritten(t, async () => {
        expect((await post(`/api/accounts/${a.id}/points/grants`, key, { points: 50, reason: 'goodwill' }, manager)).status).toBe(409);
        expect((await post(`/api/accounts/${a.id}/points/adjustments`, key, { delta: -5, reason: 'goodwill' }, manager)).status).toBe(409);
      });
      expect(await balanceOf(t, a.id)).toBe(5);
    });

    it('grants exactly once for 10 parallel requests with the same key', async () => {
      const a = await makeAccount(t);
      const key = `pgrant-${tag()}`;
      const url = `/api/accounts/${a.id}/points/grants`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(url, key, { points: 4, reason: 'parallel goodwill' }, manager)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
      for (const r of answers) expect(r.body).toEqual(answers[0].body);
      expect(await balanceOf(t, a.id)).toBe(4);
      expect(await ledgerRows(t, a.id)).toEqual([{ kind: 'grant', delta: 4 }]);
    });
  });

  describe('POST /api/accounts/:id/points/adjustments', () => {
    it('adjusts once however often it is retried, in either direction', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 10);
      const url = `/api/accounts/${a.id}/points/adjustments`;
      const down = `down-${tag()}`;
      const d1 = await post(url, down, { delta: -4, reason: 'double-booked call' }, manager);
      const d2 = await post(url, down, { delta: -4, reason: 'double-booked call' }, manager);
      expect([d1.status, d2.status]).toEqual([201, 201]);
      expect(d2.body).toEqual(d1.body);
      expect(d1.body).toMatchObject({ kind: 'adjustment', delta: -4, balanceAfter: 6 });
      const up = `up-${tag()}`;
      const u1 = await post(url, up, { delta: 2, reason: 'correction' }, manager);
      const u2 = await post(url, up, { delta: 2, reason: 'correction' }, manager);
      expect(u2.body).toEqual(u1.body);
      expect(await balanceOf(t, a.id)).toBe(8);
      expect(await ledgerRows(t, a.id)).toEqual([{ kind: 'grant', delta: 10 }, { kind: 'adjustment', delta: -4 }, { kind: 'adjustment', delta: 2 }]);
    });

    it('replays a refused adjustment (below zero, 409) as 409 even after the balance would cover it', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 1);
      const url = `/api/accounts/${a.id}/points/adjustments`;
      const key = `neg-${tag()}`;
      const first = await post(url, key, { delta: -3, reason: 'too much' }, manager);
      expect(first.status).toBe(409);
      await grant(t, a.id, 5);
      const before = await counts(t);
      const again = await post(url, key, { delta: -3, reason: 'too much' }, manager);
      expect(again.status).toBe(409);
      expect(stable(again.body)).toEqual(stable(first.body));
      expect(await counts(t)).toEqual(before);
      expect(await balanceOf(t, a.id)).toBe(6);
    });

    it('adjusts exactly once for 10 parallel requests with the same key', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 10);
      const key = `padj-${tag()}`;
      const url = `/api/accounts/${a.id}/points/adjustments`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(url, key, { delta: -3, reason: 'parallel fix' }, manager)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
      for (const r of answers) expect(r.body).toEqual(answers[0].body);
      expect(await balanceOf(t, a.id)).toBe(7);
      expect((await ledgerRows(t, a.id)).filter((e) => e.kind === 'adjustment')).toEqual([{ kind: 'adjustment', delta: -3 }]);
    });
  });

  it('checks the token before the key: anonymous with a key is 401 and stores nothing', async () => {
    const a = await makeAccount(t);
    const res = await request(t.http).post(`/api/accounts/${a.id}/points/grants`).set('Idempotency-Key', 'anon').send({ points: 1, reason: 'goodwill' });
    expect(res.status).toBe(401);
    const [row] = await t.dataSource.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key = ?', ['anon']);
    expect(Number(row.n)).toBe(0);
  });
});
