import { EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';

/*
 * Hand-written statements for the few queries on the hot path (logging a
 * call: ticket insert (checking the account is open), guarded balance update, ledger and
 * audit inserts). TypeORM's query builder re-parses every query and its
 * parameters on each call, which cost more CPU than the database work here
 * (measured with `npm run bench`). These statements use only `?`
 * placeholders and standard SQL, so they run unchanged on MySQL and SQLite.
 */

export interface WriteResult {
  affected: number;
  /** The auto-increment id of an inserted row. */
  insertId: number;
}

function runner(em: EntityManager) {
  if (!em.queryRunner) throw new Error('hand-written writes run inside a transaction (TransactionService.run)');
  return em.queryRunner;
}

/** One INSERT/UPDATE/DELETE on the transaction's connection. */
export async function execute(em: EntityManager, sql: string, params: unknown[]): Promise<WriteResult> {
  const r = await runner(em).query(sql, params, true);
  const raw = r.raw as { insertId?: number } | number | bigint | undefined;
  const insertId = typeof raw === 'object' && raw !== null ? Number(raw.insertId ?? 0) : Number(raw ?? 0);
  return { affected: r.affected ?? 0, insertId };
}

/**
 * Runs a statement built with the query builder and reports what it did.
 * Unlike QueryBuilder.execute(), `affected` is also right for an INSERT
 * IGNORE on SQLite (whose raw result there is only the last row id).
 */
export function executeBuilt(em: EntityManager, qb: { getQueryAndParameters(): [string, unknown[]] }): Promise<WriteResult> {
  const [sql, params] = qb.getQueryAndParameters();
  return execute(em, sql, params);
}

/** One SELECT; rows as plain objects keyed by column name. */
export function select<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return em.query(sql, params) as Promise<T[]>;
}

/** A timestamp as the driver stores it: mysql2 converts Dates (timezone Z); SQLite keeps UTC text, as TypeORM writes it. */
export function dbTime(em: EntityManager, date: Date): Date | string {
  return em.connection.options.type === 'better-sqlite3' ? DateUtils.mixedDateToUtcDatetimeString(date) : date;
}

/** A timestamp read by a hand-written SELECT: a Date from mysql2, UTC text ("2026-11-30 05:16:00.123") from SQLite. */
export function fromDbTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}
