import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { execute, dbTime } from '../common/database/sql';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: number;
  action?: string;
  /** Rows written at or after `from` and before `until`. */
  from?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntryEntity) private readonly repo: Repository<AuditEntryEntity>) {}

  /**
   * Written in the transaction of every audited change, including charged calls:
   * hand-written (see common/database/sql.ts). `before` is a reserved word in
   * MySQL; backticks quote it on SQLite too.
   */
  async append(em: EntityManager, r: Omit<AuditEntryEntity, 'id'>): Promise<void> {
    await execute(em,
      'INSERT INTO audit_log (actor_id, action, entity_type, entity_id, reason, `before`, `after`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [r.actorId, r.action, r.entityType, r.entityId, r.reason, r.before, r.after, dbTime(em, r.createdAt)]);
  }

  async findPage(f: AuditFilter): Promise<[AuditEntryEntity[], number]> {
    const where: FindOptionsWhere<AuditEntryEntity> = {};
    if (f.entityType) where.entityType = f.entityType;
    if (f.entityId) where.entityId = f.entityId;
    if (f.actorId) where.actorId = f.actorId;
    if (f.action) where.action = f.action;
    if (f.from && f.until) where.createdAt = And(MoreThanOrEqual(f.from), LessThan(f.until));
    else if (f.from) where.createdAt = MoreThanOrEqual(f.from);
    else if (f.until) where.createdAt = LessThan(f.until);
    return this.repo.findAndCount({ where, order: { id: 'DESC' }, take: f.limit, skip: f.offset });
  }
}
