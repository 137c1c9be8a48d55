import { QueryFailedError } from 'typeorm';

/** True when a query failed on a unique index (MySQL ER_DUP_ENTRY or SQLite UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err as QueryFailedError & { code?: string; errno?: number };
  return e.code === 'ER_DUP_ENTRY' || e.errno === 1062 || /UNIQUE constraint failed/i.test(e.message);
}
