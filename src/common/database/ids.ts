/**
 * Ids are opaque strings in the API and auto-increment integers in the
 * database. Anything that is not a plausible row id names nothing, so it is
 * reported as "not found" rather than as a validation error.
 */
export function parseId(raw: string | undefined | null): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,14}$/.test(raw)) return null;
  return Number(raw);
}

export function idString(id: number | null | undefined): string | null {
  return id === null || id === undefined ? null : String(id);
}
