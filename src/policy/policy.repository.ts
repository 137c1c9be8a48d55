import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PolicyEntity } from './policy.entity';

@Injectable()
export class PolicyRepository {
  constructor(@InjectRepository(PolicyEntity) private readonly repo: Repository<PolicyEntity>) {}

  async load(em?: EntityManager): Promise<PolicyEntity> {
    const row = await (em ?? this.repo.manager).findOne(PolicyEntity, { where: { id: 1 } });
    if (!row) throw new Error('policy row missing: migrations have not run');
    return row;
  }

  async save(em: EntityManager, row: PolicyEntity): Promise<void> {
    await em.update(PolicyEntity, { id: 1 }, row);
  }
}
