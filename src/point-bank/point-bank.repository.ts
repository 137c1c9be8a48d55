import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { dayOf, inPeriod, Period } from '../common/database/periods';
import { EntityManager, In, Repository } from 'typeorm';
import { dbTime, execute, fromDbTime, select } from '../common/database/sql';
import { LedgerEntryEntity, LedgerKind } from './ledger-entry.entity';
import { PointBalanceEntity } from './point-balance.entity';

// Rows per multi-row INSERT: well under SQLite's bound-parameter limit.
const ENTRY_CHUNK = 500;

/** Points and entries of one UTC day and kind. */
export interface DailySum { day: string; kind: LedgerKind; points: number; entries: number }

/** ledger_daily_totals holds every entry with id ≤ rolledId; seenId was the highest id when last looked at, at seenAt. */
export interface RollupState { rolledId: number; seenId: number; seenAt: Date }

@Injectable()
export class PointBankRepository {
  constructor(
    @InjectRepository(PointBalanceEntity) private readonly balances: Repository<PointBalanceEntity>,
    @InjectRepository(LedgerEntryEntity) private readonly entries: Repository<LedgerEntryEntity>,
  ) {}

  async open(em: EntityManager, accountId: number): Promise<void> {
    await em.insert(PointBalanceEntity, { accountId, balance: 0, updatedAt: new Date() });
  }

  // The statements below run for every charged call: hand-written (see common/database/sql.ts).

  /** Guarded debit: succeeds only when the balance covers it, so concurrent debits cannot overdraw. Returns the new balance, or null. */
  decrementIfAvailable(em: EntityManager, accountId: number, points: number): Promise<number | null> {
    return this.changeBalance(em, -points, 'account_id = ? AND balance >= ?', [accountId, points]);
  }

  /** Adds points; returns the new balance, or null for an unknown account. */
  increment(em: EntityManager, accountId: number, points: number): Promise<number | null> {
    return this.changeBalance(em, points, 'account_id = ?', [accountId]);
  }

  /**
   * One UPDATE that also returns the new balance, saving a SELECT per charge.
   * SQLite has UPDATE … RETURNING; MySQL has not, but LAST_INSERT_ID(expr)
   * hands an expression's value back in the statement's OK packet (MySQL's
   * documented idiom for counters; MariaDB too). The row stays locked until
   * commit, so the value is this transaction's own.
   */
  private async changeBalance(em: EntityManager, delta: number, where: string, params: unknown[]): Promise<number | null> {
    const now = dbTime(em, new Date());
    if (em.connection.options.type === 'better-sqlite3') {
      const rows = await select<{ balance: number }>(em,
        `UPDATE point_balances SET balance = balance + ?, updated_at = ? WHERE ${where} RETURNING balance`, [delta, now, ...params]);
      return rows.length ? Number(rows[0].balance) : null;
    }
    const r = await execute(em,
      `UPDATE point_balances SET balance = LAST_INSERT_ID(balance + ?), updated_at = ? WHERE ${where}`, [delta, now, ...params]);
    return r.affected === 1 ? r.insertId : null;
  }

  /** Adds the same points to each of the accounts (distinct ids); returns how many balances changed. */
  async incrementMany(em: EntityManager, accountIds: number[], points: number): Promise<number> {
    const r = await em.createQueryBuilder().update(PointBalanceEntity)
      .set({ balance: () => 'balance + :points', updatedAt: new Date() })
      .where('account_id IN (:...accountIds)', { accountIds, points }).execute();
    return r.affected ?? 0;
  }

  /**
   * Appends many entries, each with its own idempotency key, and returns them
   * with their ids, read back by key (a multi-row INSERT does not report
   * every id it assigned).
   */
  async appendEntries(em: EntityManager, rows: Omit<LedgerEntryEntity, 'id'>[]): Promise<LedgerEntryEntity[]> {
    const out: LedgerEntryEntity[] = [];
    for (let i = 0; i < rows.length; i += ENTRY_CHUNK) {
      const chunk = rows.slice(i, i + ENTRY_CHUNK);
      await em.createQueryBuilder().insert().into(LedgerEntryEntity).values(chunk).updateEntity(false).execute();
      out.push(...await em.find(LedgerEntryEntity, { where: { idempotencyKey: In(chunk.map((r) => r.idempotencyKey!)) } }));
    }
    return out;
  }

  async appendEntry(em: EntityManager, e: Omit<LedgerEntryEntity, 'id'>): Promise<LedgerEntryEntity> {
    const r = await execute(em,
      'INSERT INTO ledger_entries (account_id, delta, balance_after, kind, reason, ticket_id, purchase_id, letter_id, actor_id, idempotency_key, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.accountId, e.delta, e.balanceAfter, e.kind, e.reason, e.ticketId, e.purchaseId, e.letterId, e.actorId, e.idempotencyKey, dbTime(em, e.createdAt)]);
    return { ...e, id: r.insertId };
  }

  // Reports: sums of entries in a period, per UTC day and kind. `afterId`
  // limits them to entries not yet in ledger_daily_totals.

  async sumsByDayAndKind(p: Period, afterId = 0, em: EntityManager = this.entries.manager): Promise<DailySum[]> {
    const w = inPeriod(em, 'created_at', p);
    const rows = await select<{ day: string; kind: LedgerKind; s: string | number; n: string | number }>(em,
      `SELECT ${dayOf('created_at')} AS day, kind, SUM(delta) AS s, COUNT(*) AS n FROM ledger_entries WHERE id > ?${w.sql} GROUP BY 1, 2`,
      [afterId, ...w.params]);
    return rows.map((r) => ({ day: String(r.day), kind: r.kind, points: Number(r.s), entries: Number(r.n) }));
  }

  /** Entries with ids in (afterId, upToId], per UTC day and kind: one round of the daily totals. */
  async sumsOfIds(em: EntityManager, afterId: number, upToId: number): Promise<DailySum[]> {
    const rows = await select<{ day: string; kind: LedgerKind; s: string | number; n: string | number }>(em,
      `SELECT ${dayOf('created_at')} AS day, kind, SUM(delta) AS s, COUNT(*) AS n FROM ledger_entries WHERE id > ? AND id <= ? GROUP BY 1, 2`,
      [afterId, upToId]);
    return rows.map((r) => ({ day: String(r.day), kind: r.kind, points: Number(r.s), entries: Number(r.n) }));
  }

  /** Daily totals of the days in [fromDay, untilDay) (either open). */
  async dailyTotals(em: EntityManager, fromDay: string | undefined, untilDay: string | undefined): Promise<DailySum[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (fromDay) { where.push('day >= ?'); params.push(fromDay); }
    if (untilDay) { where.push('day < ?'); params.push(untilDay); }
    const rows = await select<{ day: string; kind: LedgerKind; points: string | number; entries: string | number }>(em,
      `SELECT CAST(day AS CHAR) AS day, kind, points, entries FROM ledger_daily_totals${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params);
    return rows.map((r) => ({ day: String(r.day), kind: r.kind, points: Number(r.points), entries: Number(r.entries) }));
  }

  /** Adds sums to the daily totals (a row per day and kind, created or increased). */
  async addDailyTotals(em: EntityManager, sums: DailySum[]): Promise<void> {
    // Each dialect's upsert: ON DUPLICATE KEY UPDATE (MySQL) or ON CONFLICT … DO UPDATE (SQLite).
    const upsert = em.connection.options.type === 'better-sqlite3'
      ? 'ON CONFLICT(day, kind) DO UPDATE SET points = points + excluded.points, entries = entries + excluded.entries'
      : 'ON DUPLICATE KEY UPDATE points = points + VALUES(points), entries = entries + VALUES(entries)';
    for (let i = 0; i < sums.length; i += ENTRY_CHUNK) {
      const chunk = sums.slice(i, i + ENTRY_CHUNK);
      await execute(em, `INSERT INTO ledger_daily_totals (day, kind, points, entries) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')} ${upsert}`,
        chunk.flatMap((s) => [s.day, s.kind, s.points, s.entries]));
    }
  }

  async rollupState(em: EntityManager): Promise<RollupState> {
    const [row] = await select<{ rolled_id: number | string; seen_id: number | string; seen_at: Date | string }>(em,
      'SELECT rolled_id, seen_id, seen_at FROM ledger_rollup WHERE id = 1', []);
    const seenAt = fromDbTime(row.seen_at);
    return { rolledId: Number(row.rolled_id), seenId: Number(row.seen_id), seenAt };
  }

  /** Moves the rollup state on from `from` (guarded: false when another round moved it first). */
  async advanceRollup(em: EntityManager, from: RollupState, to: RollupState): Promise<boolean> {
    const r = await execute(em, 'UPDATE ledger_rollup SET rolled_id = ?, seen_id = ?, seen_at = ? WHERE id = 1 AND rolled_id = ? AND seen_id = ?',
      [to.rolledId, to.seenId, dbTime(em, to.seenAt), from.rolledId, from.seenId]);
    return r.affected === 1;
  }

  async maxEntryId(em: EntityManager): Promise<number> {
    const [row] = await select<{ m: number | string | null }>(em, 'SELECT MAX(id) AS m FROM ledger_entries', []);
    return Number(row.m ?? 0);
  }

  async netDebitedByAccount(accountIds: number[], since: Date): Promise<Map<number, number>> {
    if (accountIds.length === 0) return new Map();
    const em = this.entries.manager;
    const rows = await select<{ account_id: number; s: string | number }>(em,
      `SELECT account_id, -SUM(delta) AS s FROM ledger_entries
       WHERE account_id IN (${accountIds.map(() => '?').join(', ')}) AND kind IN ('incident', 'refund') AND created_at >= ? GROUP BY account_id`,
      [...accountIds, dbTime(em, since)]);
    return new Map(rows.map((r) => [Number(r.account_id), Number(r.s)]));
  }

  findBalance(accountId: number, em?: EntityManager): Promise<PointBalanceEntity | null> {
    return (em ?? this.balances.manager).findOne(PointBalanceEntity, { where: { accountId } });
  }

  findBalances(accountIds: number[], em?: EntityManager): Promise<PointBalanceEntity[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return (em ?? this.balances.manager).find(PointBalanceEntity, { where: { accountId: In(accountIds) } });
  }

  findEntries(accountId: number, limit: number, offset: number): Promise<[LedgerEntryEntity[], number]> {
    return this.entries.findAndCount({ where: { accountId }, order: { id: 'DESC' }, take: limit, skip: offset });
  }

  findEntriesForTicket(ticketId: number): Promise<LedgerEntryEntity[]> {
    return this.entries.find({ where: { ticketId }, order: { id: 'ASC' } });
  }
}
