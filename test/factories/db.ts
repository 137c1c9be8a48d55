import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TestApp, TestUser } from '../helpers/test-app';

/**
 * The tables a rejected request must leave exactly as it was. Tables rows
 * are changed in are compared row by row; append-only ones (and the search
 * index, rebuilt wholesale) by count and aggregates, which is as strict for
 * them and keeps the check cheap. idempotency_keys is left out on purpose: a
 * rejected request sent with an Idempotency-Key stores its answer so that a
 * retry replays it.
 */
const FULL_TABLES = ['users', 'accounts', 'point_balances', 'policies', 'incident_types', 'tickets', 'bundles',
  'purchases', 'purchase_payments', 'invoice_counters', 'stripe_events', 'user_invitations'] as const;
const AGGREGATED: Record<string, string> = {
  contacts: 'COUNT(*) AS n, MAX(id) AS max_id',
  account_search_terms: 'COUNT(*) AS n, SUM(account_id) AS ids, SUM(LENGTH(term)) AS len',
  ledger_entries: 'COUNT(*) AS n, MAX(id) AS max_id, SUM(delta) AS total',
  audit_log: 'COUNT(*) AS n, MAX(id) AS max_id',
  notifications: 'COUNT(*) AS n, MAX(id) AS max_id',
};
const GUARDED_TABLES = [...FULL_TABLES, ...Object.keys(AGGREGATED)];

export type DbSnapshot = Record<string, string>;

const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' || typeof v === 'number' ? String(v) : v);

/** The guarded tables' content (or aggregates), read straight from the database. */
export async function snapshot(t: TestApp): Promise<DbSnapshot> {
  const out: DbSnapshot = {};
  for (const table of FULL_TABLES) {
    const rows: Record<string, unknown>[] = await t.dataSource.query(`SELECT * FROM ${table}`);
    const lines = rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, cell(r[k])])));
    out[table] = `${rows.length}:${lines.sort().join('\n')}`;
  }
  for (const [table, select] of Object.entries(AGGREGATED)) {
    const [row] = await t.dataSource.query(`SELECT ${select} FROM ${table}`);
    out[table] = JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k] === null ? null : String(row[k])]));
  }
  return out;
}

/** Row counts per guarded table (for readable failure messages). */
export async function counts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of GUARDED_TABLES) {
    const [row] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    out[table] = Number(row.n);
  }
  return out;
}

/**
 * Runs a request that must be refused and checks that it wrote nothing:
 * every guarded table is byte-for-byte what it was before.
 */
export async function expectNothingWritten<T>(t: TestApp, act: () => Promise<T>): Promise<T> {
  const before = await snapshot(t);
  const result = await act();
  const after = await snapshot(t);
  for (const table of GUARDED_TABLES) {
    expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  }
  return result;
}

/** The error message(s) of a response as one string, for "names the field" checks. */
export function messageOf(body: { message?: unknown }): string {
  return [body?.message].flat().map(String).join(' | ');
}

/** A short random lowercase tag that keeps one test's rows apart from every other's. */
export function tag(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Random digits, for phone numbers no other test will match. */
export function digits(n: number): string {
  let s = '';
  while (s.length < n) s += String(randomBytes(1)[0] % 10);
  return s;
}

export interface AuditItem {
  id: string; actorId: string | null; action: string; entityType: string; entityId: string;
  reason: string | null; before: unknown; after: unknown; createdAt: string;
}

/** The audit trail of one entity, newest first, read as a manager would (admin by default). */
export async function auditOf(t: TestApp, entityType: string, entityId: string, as?: TestUser): Promise<AuditItem[]> {
  const res = await request(t.http).get('/api/audit').query({ entityType, entityId, limit: 200 }).set((as ?? t.admin).auth);
  if (res.status !== 200) throw new Error(`audit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

/** Ledger rows of an account straight from the database. */
export async function ledgerRows(t: TestApp, accountId: string): Promise<{ kind: string; delta: number }[]> {
  const rows: { kind: string; delta: number }[] = await t.dataSource.query(
    'SELECT kind, delta FROM ledger_entries WHERE account_id = ? ORDER BY id', [Number(accountId)],
  );
  return rows.map((r) => ({ kind: r.kind, delta: Number(r.delta) }));
}

/** Number of tickets of an account straight from the database. */
export async function ticketCount(t: TestApp, accountId: string): Promise<number> {
  const [row] = await t.dataSource.query('SELECT COUNT(*) AS n FROM tickets WHERE account_id = ?', [Number(accountId)]);
  return Number(row.n);
}
