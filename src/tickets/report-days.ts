import { Period } from '../common/database/periods';

/*
 * Which days of a report come from ticket_daily_totals and which from the
 * tickets themselves. The totals hold whole UTC days up to
 * ticket_rollup.rolled_until; a day marked in ticket_dirty_days changed
 * since it was added, so it is read from the tickets until it is recomputed.
 * Every day of a period is read from exactly one of the two.
 */

const DAY_MS = 86_400_000;

/** The UTC calendar day of a time, YYYY-MM-DD. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The day `n` days after `day` (negative: before). */
export const addDays = (day: string, n: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS));

/** Midnight (UTC) at the start of a day. */
export const startOfDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** Days from `first` to `last`, both included. */
export const daysFrom = (first: string, last: string): number => Math.round((Date.parse(last) - Date.parse(first)) / DAY_MS) + 1;

const isMidnight = (d: Date | undefined): boolean => d === undefined || ((d.getTime() % DAY_MS) + DAY_MS) % DAY_MS === 0;

/** Whether the period is made of whole UTC days (each end a midnight, or open), so daily totals can answer it. */
export const isWholeDays = (p: Period): boolean => isMidnight(p.from) && isMidnight(p.until);

/** The last day a period of whole days includes (undefined: no end). */
export const lastDayOf = (p: Period): string | undefined => (p.until ? addDays(utcDay(p.until), -1) : undefined);

/** Days read from ticket_daily_totals: `from` (if any) to `to`, both included, except the days in `except`. */
export interface RolledDays {
  from?: string;
  to: string;
  except: string[];
}

export interface ReportPlan {
  rolled?: RolledDays;
  /** Time ranges whose tickets are read one by one (any of them); empty when there are none. */
  live: Period[];
}

/**
 * Splits a period of whole days: the days up to `rolledUntil` come from the
 * totals, except the dirty ones; the dirty days and everything after
 * `rolledUntil` come from the tickets.
 */
export function planReport(p: Period, rolledUntil: string | null, dirtyDays: string[]): ReportPlan {
  if (rolledUntil === null) return { live: [p] };
  const first = p.from ? utcDay(p.from) : undefined;
  const lastInPeriod = lastDayOf(p);
  const last = lastInPeriod !== undefined && lastInPeriod < rolledUntil ? lastInPeriod : rolledUntil;
  const inRolled = (day: string) => (first === undefined || day >= first) && day <= last;
  const except = [...new Set(dirtyDays.filter(inRolled))].sort();

  const live: Period[] = except.map((day) => ({ from: startOfDay(day), until: startOfDay(addDays(day, 1)) }));
  const afterRolled = startOfDay(addDays(rolledUntil, 1));
  const liveFrom = p.from && p.from > afterRolled ? p.from : afterRolled;
  if (!p.until || liveFrom < p.until) live.push({ from: liveFrom, until: p.until });

  return { rolled: first === undefined || first <= last ? { from: first, to: last, except } : undefined, live };
}
