import { EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { dbTime } from './sql';

/** A half-open time range [from, until); a missing end is open. */
export interface Period {
  from?: Date;
  until?: Date;
}

export class PeriodError extends DomainError<'INVALID'> {}

const DAY_MS = 86_400_000;

/**
 * Calendar days (UTC, both inclusive; either may be left out) as a period.
 * `to` before `from` is refused. 9999-12-31 as the last day means no end: the
 * day after it is past what DATETIME holds (and sorts wrong as SQLite text).
 */
export function periodOfDays(from?: string, to?: string): Period {
  if (from && to && to < from) throw new PeriodError('INVALID', 'to must not be before from');
  const until = to ? Date.parse(`${to}T00:00:00.000Z`) + DAY_MS : undefined;
  return {
    from: from ? new Date(`${from}T00:00:00.000Z`) : undefined,
    until: until !== undefined && new Date(until).getUTCFullYear() <= 9999 ? new Date(until) : undefined,
  };
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
