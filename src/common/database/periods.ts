import { EntityManager } from 'typeorm';
import { dbTime } from './sql';

/** A half-open time range [from, until); a missing end is open. */
export interface Period {
  from?: Date;
  until?: Date;
}

/**
 * `AND column >= ? AND column < ?` for the ends the period has, with their
 * parameters as the driver stores times. Raw SQL for the reports' GROUP BY
 * queries, which the query builder only makes harder to read.
 */
export function inPeriod(em: EntityManager, column: string, p: Period): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (p.from) {
    parts.push(`${column} >= ?`);
    params.push(dbTime(em, p.from));
  }
  if (p.until) {
    parts.push(`${column} < ?`);
    params.push(dbTime(em, p.until));
  }
  return { sql: parts.map((s) => ` AND ${s}`).join(''), params };
}

/** The UTC day of a time column as 'YYYY-MM-DD' text, the same SQL on MySQL/MariaDB and SQLite (DATE() exists in both; CAST … AS CHAR gives text in both). */
export function dayOf(column: string): string {
  return `CAST(DATE(${column}) AS CHAR)`;
}
