import { AccountsService } from '../../src/accounts/accounts.service';
import { Actor } from '../../src/auth/actor';
import { PointBankError } from '../../src/point-bank/point-bank.errors';
import { PointBankService } from '../../src/point-bank/point-bank.service';
import { expectLedgerInvariants } from '../helpers/invariants';
import { onMariaDb } from '../helpers/test-database';
import { startTestApp, TestApp } from '../helpers/test-app';

/**
 * No double spend (PRODUCT.md rule 2) with real parallel requests. On MariaDB
 * the requests really overlap on separate connections; on SQLite they are
 * serialised, and the same assertions hold.
 */
describe(`parallel debits never overdraw (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let base: string;
  let bank: PointBankService;
  let accounts: AccountsService;
  const system: Actor = { id: 1, role: 'admin', accountId: null };

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    base = await t.app.getUrl();
    bank = t.app.get(PointBankService);
    accounts = t.app.get(AccountsService);
  });
  afterAll(async () => { await t.close(); });

  const newAccount = async (points: number) => {
    const a = await accounts.create({ name: `Race ${Date.now()}-${Math.random()}`, contacts: [] }, system);
    if (points > 0) await bank.grant(Number(a.id), points, 'race test grant', system);
    return a.id;
  };

  it('48 parallel client-caused calls on 10 points: 10 debited, 38 billed as fees, balance 0', async () => {
    const accountId = await newAccount(10);
    const agent = await t.user('agent');
    const calls = Array.from({ length: 48 }, (_, i) =>
      fetch(`${base}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
        body: JSON.stringify({ accountId, channel: 'phone', subject: `Parallel call ${i}`, fault: 'client' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { charge: { kind: string } } })),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(48).fill(201));
    const kinds = results.map((r) => r.body.charge.kind);
    expect(kinds.filter((k) => k === 'points')).toHaveLength(10);
    expect(kinds.filter((k) => k === 'fee')).toHaveLength(38);
    expect(await bank.balanceOf(Number(accountId))).toBe(0);
    const [row] = await t.dataSource.query(
      "SELECT COUNT(*) AS n, SUM(delta) AS s FROM ledger_entries WHERE account_id = ? AND kind = 'incident'", [Number(accountId)],
    );
    expect({ n: Number(row.n), s: Number(row.s) }).toEqual({ n: 10, s: -10 });
    await expectLedgerInvariants(t.dataSource);
  });

  it('parallel debits and credits through the service keep balance = sum of entries', async () => {
    const accountId = Number(await newAccount(5));
    const ops = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? bank.credit({ accountId, points: 1, kind: 'grant', reason: `credit ${i}` }).then(() => 'credit')
        : bank.debit({ accountId, points: 1, kind: 'adjustment', reason: `debit ${i}` }).then(
            () => 'debit',
            (err) => {
              if (err instanceof PointBankError && err.code === 'INSUFFICIENT_POINTS') return 'refused';
              throw err;
            },
          ),
    );
    const outcome = await Promise.all(ops);
    const credits = outcome.filter((o) => o === 'credit').length;
    const debits = outcome.filter((o) => o === 'debit').length;
    expect(credits).toBe(20);
    expect(await bank.balanceOf(accountId)).toBe(5 + credits - debits);
    await expectLedgerInvariants(t.dataSource);
  });

  it('concurrent reclassifications of one ticket refund its charge once', async () => {
    const accountId = await newAccount(3);
    const agent = await t.user('agent');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` };
    const created = await fetch(`${base}/api/tickets`, {
      method: 'POST', headers, body: JSON.stringify({ accountId, channel: 'phone', subject: 'Reclassify race', fault: 'client' }),
    }).then((r) => r.json() as Promise<{ id: string; charge: { kind: string } }>);
    expect(created.charge.kind).toBe('points');
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      fetch(`${base}/api/tickets/${created.id}/classify`, { method: 'POST', headers, body: JSON.stringify({ fault: 'provider' }) })
        .then((r) => r.status)));
    // Each request either applied the change, found it already applied, or lost the race (409, nothing written).
    expect(results.every((s) => s === 200 || s === 409)).toBe(true);
    expect(results).toContain(200);
    expect(await bank.balanceOf(Number(accountId))).toBe(3);
    const refunds = await t.dataSource.query("SELECT COUNT(*) AS n FROM ledger_entries WHERE ticket_id = ? AND kind = 'refund'", [Number(created.id)]);
    expect(Number(refunds[0].n)).toBe(1);
    await expectLedgerInvariants(t.dataSource);
  });

  it('two agents resolving one ticket at once: one succeeds, the other is told it is already resolved', async () => {
    const accountId = await newAccount(0);
    const agent = await t.user('agent');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` };
    const created = await fetch(`${base}/api/tickets`, {
      method: 'POST', headers, body: JSON.stringify({ accountId, channel: 'email', subject: 'Resolve race' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      fetch(`${base}/api/tickets/${created.id}/resolve`, { method: 'POST', headers, body: JSON.stringify({ resolution: `Answer ${i}` }) })
        .then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
  });
});
