import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { dayOf } from '../common/database/periods';
import { dbTime, execute, select } from '../common/database/sql';
import { addDays, RolledDays, startOfDay } from './report-days';
import { ChargeKind, Fault } from './ticket.entity';

/** Tickets of one UTC day, fault and charge kind. */
export interface DailyTotal {
  day: string;
  fault: Fault;
  chargeKind: ChargeKind;
  tickets: number;
  feeCents: number;
  chargePoints: number;
}

export interface DirtyDay {
  day: string;
  /** As stored, read back as text, to compare with exactly (see clearDirtyDay). */
  markedAt: string;
}

/** Rows per multi-row INSERT: a 60-day step is at most 720 rows. */
const INSERT_CHUNK = 200;

const num = (v: string | number | null): number => Number(v ?? 0);

/**
 * The reports' daily ticket totals (ticket_daily_totals, ticket_rollup,
 * ticket_dirty_days; see migrations/1764400000000-create-report-rollups.ts).
 * Every method runs on the manager it is handed, inside the caller's
 * transaction. Days are YYYY-MM-DD text on both databases.
 */
@Injectable()
export class TicketRollupRepository {
  /**
   * Marks the UTC day the ticket was created on (as the reports group it)
   * as changed. marked_at only grows, by at least 1 ms, so a mark made while
   * a rollup recomputes the day never equals the value that rollup read, and
   * the day stays dirty for the next round.
   */
  async markDayDirty(em: EntityManager, ticketId: number, now: Date): Promise<void> {
    // The upsert syntax differs: MySQL/MariaDB have ON DUPLICATE KEY, SQLite ON CONFLICT (and its own date arithmetic).
    const upsert = em.connection.options.type === 'better-sqlite3'
      ? "ON CONFLICT(day) DO UPDATE SET marked_at = MAX(excluded.marked_at, strftime('%Y-%m-%d %H:%M:%f', ticket_dirty_days.marked_at, '+0.001 seconds'))"
      : 'ON DUPLICATE KEY UPDATE marked_at = GREATEST(VALUES(marked_at), ticket_dirty_days.marked_at + INTERVAL 1000 MICROSECOND)';
    await execute(em,
      `INSERT INTO ticket_dirty_days (day, marked_at) SELECT DATE(created_at), ? FROM tickets WHERE id = ? ${upsert}`,
      [dbTime(em, now), ticketId]);
  }

  /** The last day the totals hold (null: none yet). */
  async rolledUntil(em: EntityManager): Promise<string | null> {
    const [row] = await select<{ d: string | null }>(em, 'SELECT CAST(rolled_until AS CHAR) AS d FROM ticket_rollup WHERE id = 1', []);
    return row?.d ?? null;
  }

  /** Moves rolled_until from `from` (as read in this transaction) to `to`; false when another round moved it first. */
  async advance(em: EntityManager, from: string | null, to: string): Promise<boolean> {
    // Two statements rather than `<=>` (MySQL only) or `IS` (SQLite only) for a comparison that holds for NULL.
    const r = from === null
      ? await execute(em, 'UPDATE ticket_rollup SET rolled_until = ? WHERE id = 1 AND rolled_until IS NULL', [to])
      : await execute(em, 'UPDATE ticket_rollup SET rolled_until = ? WHERE id = 1 AND rolled_until = ?', [to, from]);
    return r.affected === 1;
  }

  /** The day of the oldest ticket (null: no tickets). */
  async firstTicketDay(em: EntityManager): Promise<string | null> {
    const [row] = await select<{ d: string | null }>(em, `SELECT ${dayOf('MIN(created_at)')} AS d FROM tickets`, []);
    return row?.d ?? null;
  }

  /** Totals of the tickets created on the days `first` to `last` (both included), computed from the tickets. */
  async computeDays(em: EntityManager, first: string, last: string): Promise<DailyTotal[]> {
    const rows = await select<{ day: string; fault: Fault; charge_kind: ChargeKind; n: string | number; fees: string | number | null; pts: string | number | null }>(em,
      `SELECT ${dayOf('created_at')} AS day, fault, charge_kind, COUNT(*) AS n, SUM(charge_fee_cents) AS fees, SUM(charge_points) AS pts
       FROM tickets WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2, 3`,
      [dbTime(em, startOfDay(first)), dbTime(em, startOfDay(addDays(last, 1)))]);
    return rows.map((r) => ({
      day: String(r.day), fault: r.fault, chargeKind: r.charge_kind, tickets: num(r.n), feeCents: num(r.fees), chargePoints: num(r.pts),
    }));
  }

  async insertTotals(em: EntityManager, rows: DailyTotal[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await execute(em,
        `INSERT INTO ticket_daily_totals (day, fault, charge_kind, tickets, fee_cents, charge_points) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((r) => [r.day, r.fault, r.chargeKind, r.tickets, r.feeCents, r.chargePoints]));
    }
  }

  async deleteTotals(em: EntityManager, day: string): Promise<void> {
    await execute(em, 'DELETE FROM ticket_daily_totals WHERE day = ?', [day]);
  }

  /** Dirty days from `from` (if given) to `to`, both included, oldest first. */
  async dirtyDays(em: EntityManager, range: { from?: string; to: string }): Promise<DirtyDay[]> {
    const params: string[] = [range.to];
    if (range.from !== undefined) params.push(range.from);
    const rows = await select<{ day: string; marked_at: string }>(em,
      `SELECT CAST(day AS CHAR) AS day, CAST(marked_at AS CHAR) AS marked_at FROM ticket_dirty_days
       WHERE day <= ?${range.from !== undefined ? ' AND day >= ?' : ''} ORDER BY day`, params);
    return rows.map((r) => ({ day: String(r.day), markedAt: String(r.marked_at) }));
  }

  /** Unmarks a day if it was not marked again since `markedAt` was read; false when it was (or is already unmarked). */
  async clearDirtyDay(em: EntityManager, day: string, markedAt: string): Promise<boolean> {
    const r = await execute(em, 'DELETE FROM ticket_dirty_days WHERE day = ? AND marked_at = ?', [day, markedAt]);
    return r.affected === 1;
  }

  // Reads for the reports: the rolled days of a period (see report-days.ts).

  async totals(em: EntityManager, days: RolledDays): Promise<{ fault: Fault; chargeKind: ChargeKind; n: number; feeCents: number; chargePoints: number }[]> {
    const w = inDays(days);
    const rows = await select<{ fault: Fault; charge_kind: ChargeKind; n: string | number; fees: string | number; pts: string | number }>(em,
      `SELECT fault, charge_kind, SUM(tickets) AS n, SUM(fee_cents) AS fees, SUM(charge_points) AS pts
       FROM ticket_daily_totals WHERE ${w.sql} GROUP BY fault, charge_kind`, w.params);
    return rows.map((r) => ({ fault: r.fault, chargeKind: r.charge_kind, n: num(r.n), feeCents: num(r.fees), chargePoints: num(r.pts) }));
  }

  async countsByDay(em: EntityManager, days: RolledDays): Promise<{ day: string; fault: Fault; n: number }[]> {
    const w = inDays(days);
    const rows = await select<{ day: string; fault: Fault; n: string | number }>(em,
      `SELECT CAST(day AS CHAR) AS day, fault, SUM(tickets) AS n FROM ticket_daily_totals WHERE ${w.sql} GROUP BY day, fault`, w.params);
    return rows.map((r) => ({ day: String(r.day), fault: r.fault, n: num(r.n) }));
  }
}

function inDays(days: RolledDays): { sql: string; params: string[] } {
  const parts = ['day <= ?'];
  const params = [days.to];
  if (days.from !== undefined) {
    parts.push('day >= ?');
    params.push(days.from);
  }
  if (days.except.length > 0) {
    parts.push(`day NOT IN (${days.except.map(() => '?').join(', ')})`);
    params.push(...days.except);
  }
  return { sql: parts.join(' AND '), params };
}
