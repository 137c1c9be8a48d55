import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { claimPendingAccounts, countByStatus, markSkipped } from '../common/database/account-batches';
import { GrantBatchAccountEntity, GrantBatchEntity } from './grant-batch.entity';

const ACCOUNTS = { column: 'batch_id' };
const INSERT_CHUNK = 500;

@Injectable()
export class GrantBatchesRepository {
  constructor(
    @InjectRepository(GrantBatchEntity) private readonly batches: Repository<GrantBatchEntity>,
    @InjectRepository(GrantBatchAccountEntity) private readonly accounts: Repository<GrantBatchAccountEntity>,
  ) {}

  async insert(em: EntityManager, b: Omit<GrantBatchEntity, 'id'>, accountIds: number[]): Promise<number> {
    const r = await em.insert(GrantBatchEntity, b);
    const batchId = Number(r.identifiers[0].id);
    for (let i = 0; i < accountIds.length; i += INSERT_CHUNK) {
      await em.createQueryBuilder().insert().into(GrantBatchAccountEntity)
        .values(accountIds.slice(i, i + INSERT_CHUNK).map((accountId) => ({ batchId, accountId, status: 'pending' as const, claim: null, processedAt: null })))
        .updateEntity(false).execute();
    }
    return batchId;
  }

  findById(id: number): Promise<GrantBatchEntity | null> {
    return this.batches.findOne({ where: { id } });
  }

  findPage(limit: number, offset: number): Promise<[GrantBatchEntity[], number]> {
    return this.batches.findAndCount({ order: { id: 'DESC' }, take: limit, skip: offset });
  }

  findRunning(): Promise<GrantBatchEntity[]> {
    return this.batches.find({ where: { status: 'running' }, order: { id: 'ASC' } });
  }

  claim(em: EntityManager, batchId: number, limit: number): Promise<GrantBatchAccountEntity[]> {
    return claimPendingAccounts(em, GrantBatchAccountEntity, { ...ACCOUNTS, id: batchId }, limit);
  }

  skip(em: EntityManager, batchId: number, accountIds: number[]): Promise<void> {
    return markSkipped(em, GrantBatchAccountEntity, { ...ACCOUNTS, id: batchId }, accountIds);
  }

  counts(batchId: number) {
    return countByStatus(this.accounts.manager, GrantBatchAccountEntity, { ...ACCOUNTS, id: batchId });
  }

  /** running → done once no account is pending; true when this call finished it. */
  async finish(em: EntityManager, id: number): Promise<boolean> {
    const r = await em.createQueryBuilder().update(GrantBatchEntity).set({ status: 'done', finishedAt: new Date() })
      .where('id = :id AND status = :running', { id, running: 'running' })
      .andWhere('NOT EXISTS (SELECT 1 FROM grant_batch_accounts g WHERE g.batch_id = :id AND g.status = :pending)', { pending: 'pending' })
      .execute();
    return r.affected === 1;
  }
}
