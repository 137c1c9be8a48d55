import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TransactionService } from '../common/database/transaction.service';
import { PolicyEntity } from './policy.entity';
import { PolicyRepository } from './policy.repository';
import { Channel, Policy } from './policy.types';
import { isEmptyPatch } from '../common/patch';

// Other instances sharing the database see a policy change within this time.
const CACHE_MS = 2000;

@Injectable()
export class PolicyService {
  private readonly logger = new Logger(PolicyService.name);
  private cached: { policy: Policy; at: number } | null = null;

  constructor(
    private readonly repo: PolicyRepository,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  private static toPolicy(e: PolicyEntity): Policy {
    return {
      chargeableChannels: e.chargeableChannels.split(',').filter(Boolean) as Channel[],
      defaultIncidentPoints: e.defaultIncidentPoints,
      providerFaultBonusPoints: e.providerFaultBonusPoints,
      lowBalanceThreshold: e.lowBalanceThreshold,
      perIncidentFeeCents: e.perIncidentFeeCents,
      currency: e.currency,
      onShortfall: e.onShortfall,
      enforceFrom: e.enforceFrom,
    };
  }

  /**
   * The policy in force. Read on every charge, so it is cached briefly; a
   * change made through this instance is visible at once. Pass the
   * transaction's manager when calling from inside a transaction.
   */
  async get(em?: EntityManager): Promise<Policy> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.policy;
    // Inside a transaction, read on its connection: waiting for a second pooled
    // connection while holding one can starve the pool under load.
    const policy = PolicyService.toPolicy(await this.repo.load(em));
    this.cached = { policy, at: Date.now() };
    return policy;
  }

  async update(patch: Partial<Policy>, actorId: number, reason?: string): Promise<Policy> {
    const updated = await this.tx.run(undefined, async (em: EntityManager) => {
      const row = await this.repo.load(em);
      const before = PolicyService.toPolicy(row);
      if (isEmptyPatch(patch)) return before;
      const after: Policy = { ...before, ...patch };
      await this.repo.save(em, {
        ...row,
        chargeableChannels: after.chargeableChannels.join(','),
        defaultIncidentPoints: after.defaultIncidentPoints,
        providerFaultBonusPoints: after.providerFaultBonusPoints,
        lowBalanceThreshold: after.lowBalanceThreshold,
        perIncidentFeeCents: after.perIncidentFeeCents,
        currency: after.currency,
        onShortfall: after.onShortfall,
        enforceFrom: after.enforceFrom,
        updatedAt: new Date(),
      });
      await this.audit.record(em, { actorId, action: 'policy.update', entityType: 'policy', entityId: 1, reason, before, after });
      return after;
    });
    this.cached = { policy: updated, at: Date.now() };
    this.logger.log(`policy updated by user=${actorId}`);
    return updated;
  }
}
