import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { TransactionService } from '../common/database/transaction.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PointBankService } from '../point-bank/point-bank.service';
import { Audience, SegmentsService } from '../segments/segments.service';
import { GrantBatchView } from './dto/grant-batch.view';
import { GrantBatchEntity } from './grant-batch.entity';
import { GrantBatchError } from './grant-batches.errors';
import { GrantBatchesRepository } from './grant-batches.repository';

export { GrantBatchView };

/**
 * Bulk grants: the same points to every account of a segment, with one
 * reason, audited once. Starting one freezes the segment (one row per
 * account) and returns; batches then run in the background
 * (GrantBatchesScheduler → runBatch). Each batch claims its accounts and
 * grants them in one transaction, and every grant carries the ledger
 * idempotency key grant-batch:<batch>:account:<account>, so each account
 * gets its points exactly once per bulk grant whatever is retried.
 */
@Injectable()
export class GrantBatchesService {
  private readonly logger = new Logger(GrantBatchesService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: GrantBatchesRepository,
    private readonly segments: SegmentsService,
    private readonly accounts: AccountsService,
    private readonly bank: PointBankService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  async start(input: { audience: Audience; points: number; reason: string }, actor: Actor): Promise<GrantBatchView> {
    const audience = SegmentsService.normalise(input.audience);
    const id = await this.tx.run(undefined, async (em) => {
      const members = await this.segments.members(audience, em);
      if (members.length === 0) throw new GrantBatchError('INVALID', 'audience: no active account is in this segment');
      const id = await this.repo.insert(em, {
        points: input.points, reason: input.reason, audience, status: 'running', createdBy: actor.id, createdAt: new Date(), finishedAt: null,
      }, members);
      await this.audit.record(em, {
        actorId: actor.id, action: 'points.bulk_grant', entityType: 'grant_batch', entityId: id, reason: input.reason,
        after: { audience, accounts: members.length, pointsPerAccount: input.points, points: members.length * input.points },
      });
      return id;
    });
    this.logger.log(`bulk grant started id=${id} points=${input.points} by=${actor.id}`);
    return this.get(id);
  }

  async get(id: number): Promise<GrantBatchView> {
    const batch = await this.repo.findById(id);
    if (!batch) throw new GrantBatchError('NOT_FOUND', `bulk grant ${id} not found`);
    return this.view(batch);
  }

  async list(limit: number, offset: number): Promise<{ items: GrantBatchView[]; total: number }> {
    const [batches, total] = await this.repo.findPage(limit, offset);
    return { items: await Promise.all(batches.map((b) => this.view(b))), total };
  }

  /** One step of the background worker: the next accounts of the oldest running bulk grant. Returns how many it did. */
  async runBatch(): Promise<number> {
    for (const batch of await this.repo.findRunning()) {
      const done = await this.grantBatch(batch);
      if (done > 0) return done;
      if (await this.tx.run(undefined, (em) => this.repo.finish(em, batch.id))) this.logger.log(`bulk grant done id=${batch.id}`);
    }
    return 0;
  }

  private grantBatch(batch: GrantBatchEntity): Promise<number> {
    return this.tx.run(undefined, async (em) => {
      const claimed = await this.repo.claim(em, batch.id, this.config.campaigns.batchSize);
      const ids = claimed.map((r) => r.accountId);
      const lists = await this.accounts.mailingLists(ids, em);
      const active = ids.filter((id) => lists.get(id)?.status === 'active');
      const skipped = ids.filter((id) => lists.get(id)?.status !== 'active');
      await this.bank.creditEach(active, { points: batch.points, kind: 'grant', reason: batch.reason, actorId: batch.createdBy },
        (accountId) => `grant-batch:${batch.id}:account:${accountId}`, em);
      await this.repo.skip(em, batch.id, skipped);
      if (claimed.length) this.logger.log(`bulk grant batch id=${batch.id} accounts=${claimed.length - skipped.length} skipped=${skipped.length}`);
      return claimed.length;
    });
  }

  private async view(b: GrantBatchEntity): Promise<GrantBatchView> {
    const counts = await this.repo.counts(b.id);
    return {
      id: String(b.id), audience: b.audience, audienceText: SegmentsService.describe(b.audience), points: b.points, reason: b.reason,
      status: b.status, accounts: { total: counts.pending + counts.done + counts.skipped, ...counts }, pointsGranted: counts.done * b.points,
      createdById: String(b.createdBy), createdAt: b.createdAt.toISOString(), finishedAt: b.finishedAt?.toISOString() ?? null,
    };
  }
}
