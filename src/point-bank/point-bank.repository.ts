import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
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

  /** Guarded debit: succeeds only when the balance covers it, so concurrent debits cannot overdraw. */
  async decrementIfAvailable(em: EntityManager, accountId: number, points: number): Promise<boolean> {
    const r = await em.createQueryBuilder().update(PointBalanceEntity)
      .set({ balance: () => 'balance - :points', updatedAt: new Date() })
      .where('account_id = :accountId AND balance >= :points', { accountId, points })
      .execute();
    return r.affected === 1;
  }

  async increment(em: EntityManager, accountId: number, points: number): Promise<boolean> {
    const r = await em.createQueryBuilder().update(PointBalanceEntity)
      .set({ balance: () => 'balance + :points', updatedAt: new Date() })
      .where('account_id = :accountId', { accountId, points })
      .execute();
    return r.affected === 1;
  }

  /** Inside the transaction that just changed it, the row is locked by us: this is our own new balance. */
  async balanceWithin(em: EntityManager, accountId: number): Promise<number> {
    const row = await em.findOne(PointBalanceEntity, { where: { accountId }, select: { balance: true } });
    return row!.balance;
  }

  async appendEntry(em: EntityManager, entry: Omit<LedgerEntryEntity, 'id'>): Promise<LedgerEntryEntity> {
    const r = await em.insert(LedgerEntryEntity, entry);
    return { ...entry, id: Number(r.identifiers[0].id) };
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
