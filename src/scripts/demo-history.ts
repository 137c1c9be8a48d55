/**
 * Dates the demo (`npm run seed:demo`) as a history of the last months. The
 * services stamp every row they write with the current time, and the seed
 * creates everything through them, so the rules, balances, balance_after and
 * idempotency keys are the services' own. The seed runs its history oldest
 * first, one step at a time; after each step the times that step wrote are
 * moved to the moment in the history the step stands for. Only times move:
 * as the steps run in time order, every account's ledger ids stay in time
 * order, and nothing is dated after the seed started.
 */
import { DataSource } from 'typeorm';
import { dbTime } from '../common/database/sql';
import { Prng } from './demo-data';

export const HISTORY_MONTHS = 6;

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * The time columns of the tables with an auto-increment id that the
 * services set to "now". Expiry times (invitations, card checkouts) are
 * deadlines, not moments, and stay as they are.
 */
const ID_TABLES: Readonly<Record<string, readonly string[]>> = {
  users: ['created_at', 'sessions_revoked_at'],
  incident_types: ['created_at'],
  bundles: ['created_at', 'updated_at'],
  accounts: ['created_at', 'closed_at'],
  contacts: ['created_at'],
  tickets: ['created_at', 'resolved_at'],
  ledger_entries: ['created_at'],
  audit_log: ['created_at'],
  notifications: ['created_at', 'next_attempt_at', 'lease_until', 'sent_at'],
  purchases: ['created_at', 'paid_at', 'cancelled_at'],
  purchase_payments: ['created_at'],
  letters: ['created_at', 'updated_at', 'approved_at', 'send_started_at', 'sent_at'],
  letter_recipients: ['processed_at'],
  grant_batches: ['created_at', 'finished_at'],
  grant_batch_accounts: ['processed_at'],
  user_invitations: ['created_at', 'used_at'],
  idempotency_keys: ['created_at'],
};

/** Time columns of tables keyed otherwise. (ticket_dirty_days is emptied by the seed at the end, see resetReportTotals.) */
const OTHER_TABLES: Readonly<Record<string, readonly string[]>> = {
  point_balances: ['updated_at'],
  policies: ['updated_at'],
};

export type Column = readonly [table: string, column: string];

/** Every time column: what a step may have set on rows written before it. */
const ALL_COLUMNS: readonly Column[] = Object.entries({ ...ID_TABLES, ...OTHER_TABLES }).flatMap(([t, cols]) => cols.map((c) => [t, c] as const));

/** What logging a call (or opening an account) can change on rows it did not insert: the balance's updated_at. */
export const CALL_COLUMNS: readonly Column[] = [['point_balances', 'updated_at']];

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

export class DemoHistory {
  /** The highest id of each id table already dated. */
  private dated: Record<string, number> = {};

  private constructor(private readonly dataSource: DataSource) {}

  static async open(dataSource: DataSource): Promise<DemoHistory> {
    const h = new DemoHistory(dataSource);
    h.dated = await h.highestIds();
    return h;
  }

  /**
   * Runs one step of the history and dates what it wrote at `at`: the rows
   * it inserted (ids above the ones dated so far) and, on earlier rows, the
   * time columns in `changed` it set (every time column by default; a call
   * needs only CALL_COLUMNS). A step writes its times at or after `began`
   * (when it starts, unless told) and every earlier step's times were moved
   * into the past, so "at or after `began`" finds exactly this step's. The
   * times are moved even when the step fails halfway (a call refused after
   * it was logged).
   */
  async at<T>(at: Date, step: () => Promise<T>, changed: 'all' | readonly Column[] = 'all', began = new Date()): Promise<T> {
    try {
      return await step();
    } finally {
      await this.move(at, began, changed);
    }
  }

  /** Sets one time column of one row (by id): a ticket's resolution, some time after the call. */
  async set(table: string, column: string, id: number | string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE ${table} SET ${column} = ? WHERE id = ?`, [this.time(at), id]);
  }

  /**
   * The reports' daily totals (ticket_daily_totals, ticket_dirty_days,
   * ledger_daily_totals) and how far they reach (ticket_rollup,
   * ledger_rollup) are emptied, so the server's scheduler rebuilds them from
   * the tickets and the ledger. A fresh database has none yet, but a kept one
   * (--force) may have totals of days this history has just added to.
   */
  async resetReportTotals(): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query('DELETE FROM ticket_daily_totals');
      await em.query('DELETE FROM ticket_dirty_days');
      await em.query('DELETE FROM ledger_daily_totals');
      await em.query('UPDATE ticket_rollup SET rolled_until = NULL WHERE id = 1');
      await em.query('UPDATE ledger_rollup SET rolled_id = 0, seen_id = 0, seen_at = ? WHERE id = 1', [this.time(new Date(0))]);
    });
  }

  private async move(at: Date, began: Date, changed: 'all' | readonly Column[]): Promise<void> {
    const before = this.dated;
    const after = await this.highestIds();
    const to = this.time(at);
    const since = this.time(began);
    // Rows the step inserted: all their times written since it began.
    for (const [table, cols] of Object.entries(ID_TABLES)) {
      if (after[table] <= before[table]) continue;
      await this.dataSource.query(
        `UPDATE ${table} SET ${cols.map((c) => `${c} = CASE WHEN ${c} >= ? THEN ? ELSE ${c} END`).join(', ')} WHERE id > ? AND id <= ?`,
        [...cols.flatMap(() => [since, to]), before[table], after[table]],
      );
    }
    // Times it set on earlier rows (a resolution, a closure, a letter's progress, a balance's update).
    for (const [table, col] of changed === 'all' ? ALL_COLUMNS : changed) {
      await this.dataSource.query(`UPDATE ${table} SET ${col} = ? WHERE ${col} >= ?`, [to, since]);
    }
    if (changed === 'all') {
      await this.redateAuditText(before.audit_log, after.audit_log, at, began);
      await this.keepLedgerOrder(before.ledger_entries, after.ledger_entries, at);
    }
    this.dated = after;
  }

  /** Times an audit row records in its before/after (an account's closedAt, a purchase's createdAt) are the step's too. */
  private async redateAuditText(fromId: number, toId: number, at: Date, began: Date): Promise<void> {
    if (toId <= fromId) return;
    const since = began.toISOString();
    const redate = (text: string | null) => text?.replace(ISO_TIME, (t) => (t >= since ? at.toISOString() : t)) ?? null;
    const rows: { id: number | string; before: string | null; after: string | null }[] = await this.dataSource.query(
      'SELECT id, `before`, `after` FROM audit_log WHERE id > ? AND id <= ?', [fromId, toId]);
    for (const r of rows) {
      const [b, a] = [redate(r.before), redate(r.after)];
      if (b !== r.before || a !== r.after) await this.dataSource.query('UPDATE audit_log SET `before` = ?, `after` = ? WHERE id = ?', [b, a, r.id]);
    }
  }

  /**
   * A letter or a bulk grant may also reach accounts that were in the
   * database before the seed (--force), whose latest entries can be later
   * than the step: such an entry is dated with the account's latest one, so
   * each account's entries stay in time order. The history's own accounts
   * never need it.
   */
  private async keepLedgerOrder(fromId: number, toId: number, at: Date): Promise<void> {
    if (toId <= fromId) return;
    const late: { id: number | string; latest: Date | string }[] = await this.dataSource.query(
      `SELECT e.id AS id, MAX(p.created_at) AS latest FROM ledger_entries e
       JOIN ledger_entries p ON p.account_id = e.account_id AND p.id < e.id
       WHERE e.id > ? AND e.id <= ? GROUP BY e.id HAVING MAX(p.created_at) > ?`,
      [fromId, toId, this.time(at)]);
    for (const r of late) await this.dataSource.query('UPDATE ledger_entries SET created_at = ? WHERE id = ?', [r.latest, r.id]);
  }

  private async highestIds(): Promise<Record<string, number>> {
    const tables = Object.keys(ID_TABLES);
    const [row]: Record<string, number | string | null>[] = await this.dataSource.query(
      `SELECT ${tables.map((t) => `(SELECT COALESCE(MAX(id), 0) FROM ${t}) AS ${t}`).join(', ')}`);
    return Object.fromEntries(tables.map((t) => [t, Number(row[t] ?? 0)]));
  }

  /** A time as the driver stores it: a Date on MySQL/MariaDB, 'YYYY-MM-DD HH:MM:SS.SSS' UTC text on SQLite. */
  private time(t: Date): Date | string {
    return dbTime(this.dataSource.manager, t);
  }
}

// Times of the history.

const isWeekend = (ms: number) => [0, 6].includes(new Date(ms).getUTCDay());

/** Midnight (UTC) of a time's day. */
export function dayStart(t: Date | number): number {
  const ms = typeof t === 'number' ? t : t.getTime();
  return ms - (((ms % DAY) + DAY) % DAY);
}

/** The same day `months` calendar months earlier, at midnight (UTC). */
export function monthsBefore(t: Date, months: number): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - months, t.getUTCDate()));
}

/** A time in office hours (Monday to Friday, 08:00–18:00 UTC) between `from` and `to`; any time between them if they hold none. */
export function officeTime(rng: Prng, from: Date | number, to: Date | number): Date {
  const [a, b] = [new Date(from).getTime(), new Date(to).getTime()];
  const days: number[] = [];
  for (let d = dayStart(a); d <= b; d += DAY) if (!isWeekend(d)) days.push(d);
  for (let attempt = 0; days.length > 0 && attempt < 100; attempt++) {
    const t = rng.pick(days) + 8 * HOUR + rng.int(0, 10 * HOUR - 1);
    if (t >= a && t <= b) return new Date(t);
  }
  return new Date(a + Math.floor(rng.next() * Math.max(0, b - a)));
}

/**
 * `count` times of calls between `from` and `to`, oldest first: in office
 * hours on weekdays, a few at weekends; the later the week the busier (the
 * last weeks about two and a half times the first), and busier still in the
 * three weeks after `rush` (the announcement of the new terms).
 */
export function callTimes(rng: Prng, count: number, from: Date, to: Date, rush: Date): Date[] {
  const [a, b, r] = [from.getTime(), to.getTime(), dayStart(rush)];
  const days: [number, number][] = [];
  for (let d = dayStart(a); d <= b; d += DAY) {
    let weight = 1 + (1.5 * (d - a)) / Math.max(1, b - a);
    if (d >= r && d < r + 21 * DAY) weight *= 1.5;
    if (isWeekend(d)) weight *= 0.12;
    days.push([d, weight]);
  }
  const times: number[] = [];
  for (let attempt = 0; times.length < count; attempt++) {
    const d = rng.weighted(days);
    const t = isWeekend(d) ? d + 9 * HOUR + rng.int(0, 7 * HOUR - 1) : d + 8 * HOUR + rng.int(0, 10 * HOUR - 1);
    if (t >= a && t <= b) times.push(t);
    else if (attempt > 100 * count) times.push(a + Math.floor(rng.next() * (b - a)));
  }
  return times.sort((x, y) => x - y).map((t) => new Date(t));
}
