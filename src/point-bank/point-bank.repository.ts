import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { dbTime, execute, select } from '../common/database/sql';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { PointBalanceEntity } from './point-balance.entity';

@Injectable()
export class PointBankRepository {
  constructor(
    @InjectRepository(PointBalanceEntity) private readonly balances: Repository<PointBalanceEntity>,
    @InjectRepository(LedgerEntryEntity) private readonly entries: Repository<LedgerEntryEntity>,
  ) {}

  async open(em: EntityManager, accountId: number): Promise<void> {
    await em.insert(PointBalanceEntity, { accountId, balance: 0, updatedAt: new Date() });
  }

  // The four statements below run for every charged call: hand-written (see common/database/sql.ts).

  /** Guarded debit: succeeds only when the balance covers it, so concurrent debits cannot overdraw. */
  async decrementIfAvailable(em: EntityManager, accountId: number, points: number): Promise<boolean> {
    const r = await execute(em, 'UPDATE point_balances SET balance = balance - ?, updated_at = ? WHERE account_id = ? AND balance >= ?',
      [points, dbTime(em, new Date()), accountId, points]);
    return r.affected === 1;
  }

  async increment(em: EntityManager, accountId: number, points: number): Promise<boolean> {
    const r = await execute(em, 'UPDATE point_balances SET balance = balance + ?, updated_at = ? WHERE account_id = ?',
      [points, dbTime(em, new Date()), accountId]);
    return r.affected === 1;
  }

  /** Inside the transaction that just changed it, the row is locked by us: this is our own new balance. */
  async balanceWithin(em: EntityManager, accountId: number): Promise<number> {
    const [row] = await select<{ balance: number }>(em, 'SELECT balance FROM point_balances WHERE account_id = ?', [accountId]);
    return Number(row.balance);
  }

  async appendEntry(em: EntityManager, e: Omit<LedgerEntryEntity, 'id'>): Promise<LedgerEntryEntity> {
    const r = await execute(em,
      'INSERT INTO ledger_entries (account_id, delta, balance_after, kind, reason, ticket_id, purchase_id, letter_id, actor_id, idempotency_key, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.accountId, e.delta, e.balanceAfter, e.kind, e.reason, e.ticketId, e.purchaseId, e.letterId, e.actorId, e.idempotencyKey, dbTime(em, e.createdAt)]);
    return { ...e, id: r.insertId };
  }

  findBalance(accountId: number): Promise<PointBalanceEntity | null> {
    return this.balances.findOne({ where: { accountId } });
  }

  findBalances(accountIds: number[]): Promise<PointBalanceEntity[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.balances.find({ where: { accountId: In(accountIds) } });
  }

  findEntries(accountId: number, limit: number, offset: number): Promise<[LedgerEntryEntity[], number]> {
    return this.entries.findAndCount({ where: { accountId }, order: { id: 'DESC' }, take: limit, skip: offset });
  }

  findEntriesForTicket(ticketId: number): Promise<LedgerEntryEntity[]> {
    return this.entries.find({ where: { ticketId }, order: { id: 'ASC' } });
  }
}
