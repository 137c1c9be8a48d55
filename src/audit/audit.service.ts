import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { idString } from '../common/database/ids';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditView } from './dto/audit.view';

export interface AuditRecord {
  actorId: number | null;
  action: string;
  entityType: string;
  entityId: number | string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}


/** Who changed what, when and why. Rows are written in the caller's transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /** Appends one audit row inside the caller's transaction, so it commits or rolls back with the change. */
  async record(em: EntityManager, r: AuditRecord): Promise<void> {
    await this.repo.append(em, {
      actorId: r.actorId,
      action: r.action,
      entityType: r.entityType,
      entityId: String(r.entityId),
      reason: r.reason ?? null,
      before: r.before === undefined ? null : JSON.stringify(r.before),
      after: r.after === undefined ? null : JSON.stringify(r.after),
      createdAt: new Date(),
    });
  }

  async list(f: AuditFilter): Promise<{ items: AuditView[]; total: number }> {
    const [rows, total] = await this.repo.findPage(f);
    return {
      total,
      items: rows.map((r) => ({
        id: String(r.id),
        actorId: idString(r.actorId),
        action: r.action,
        entityType: r.entityType,
        entityId: r.entityId,
        reason: r.reason,
        before: r.before === null ? null : JSON.parse(r.before),
        after: r.after === null ? null : JSON.parse(r.after),
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }
}
