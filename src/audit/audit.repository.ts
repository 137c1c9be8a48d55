import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
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

  async append(em: EntityManager, row: Omit<AuditEntryEntity, 'id'>): Promise<void> {
    await em.insert(AuditEntryEntity, row);
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
