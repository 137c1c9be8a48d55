import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { IncidentTypeEntity } from './incident-type.entity';

@Injectable()
export class IncidentTypesRepository {
  constructor(@InjectRepository(IncidentTypeEntity) private readonly repo: Repository<IncidentTypeEntity>) {}

  findAll(em?: EntityManager): Promise<IncidentTypeEntity[]> {
    return (em ?? this.repo.manager).find(IncidentTypeEntity, { order: { name: 'ASC' } });
  }

  findById(id: number, em?: EntityManager): Promise<IncidentTypeEntity | null> {
    return (em ?? this.repo.manager).findOne(IncidentTypeEntity, { where: { id } });
  }

  async insert(em: EntityManager, row: Omit<IncidentTypeEntity, 'id'>): Promise<IncidentTypeEntity> {
    const r = await em.insert(IncidentTypeEntity, row);
    return { ...row, id: Number(r.identifiers[0].id) };
  }

  async update(em: EntityManager, id: number, patch: Partial<IncidentTypeEntity>): Promise<void> {
    await em.update(IncidentTypeEntity, { id }, patch);
  }
}
