import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { dayOf, inPeriod, Period } from '../common/database/periods';
import { EntityManager, In, Repository } from 'typeorm';
import { dbTime, execute, select } from '../common/database/sql';
import { LedgerEntryEntity, LedgerKind } from './ledger-entry.entity';
import { PointBalanceEntity } from './point-balance.entity';

// Entries per INSERT in a bulk credit: well under SQLite's bound-parameter limit.
const ENTRY_CHUNK = 500;

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

  // Reports: sums of entries in a period.

  async sumsByDayAndKind(p: Period): Promise<{ day: string; kind: LedgerKind; points: number }[]> {
    const em = this.entries.manager;
    const w = inPeriod(em, 'created_at', p);
    const rows = await select<{ day: string; kind: LedgerKind; s: string | number }>(em,
      `SELECT ${dayOf('created_at')} AS day, kind, SUM(delta) AS s FROM ledger_entries WHERE 1 = 1${w.sql} GROUP BY 1, 2`, w.params);
    return rows.map((r) => ({ day: String(r.day), kind: r.kind, points: Number(r.s) }));
  }

  async sumsByKind(p: Period): Promise<{ kind: LedgerKind; points: number }[]> {
    const em = this.entries.manager;
    const w = inPeriod(em, 'created_at', p);
    const rows = await select<{ kind: LedgerKind; s: string | number }>(em,
      `SELECT kind, SUM(delta) AS s FROM ledger_entries WHERE 1 = 1${w.sql} GROUP BY kind`, w.params);
    return rows.map((r) => ({ kind: r.kind, points: Number(r.s) }));
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
