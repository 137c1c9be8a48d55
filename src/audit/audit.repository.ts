import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { execute, dbTime } from '../common/database/sql';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: number;
  action?: string;
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
    return this.repo.findAndCount({ where, order: { id: 'DESC' }, take: f.limit, skip: f.offset });
  }
}
