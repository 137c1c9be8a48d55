import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { BundleEntity } from './bundle.entity';

@Injectable()
export class BundlesRepository {
  constructor(@InjectRepository(BundleEntity) private readonly repo: Repository<BundleEntity>) {}

  findAll(): Promise<BundleEntity[]> {
    return this.repo.find({ order: { priceCents: 'ASC', id: 'ASC' } });
  }

  /** Active bundles whose sale window contains the day (YYYY-MM-DD), cheapest first. */
  findOnSale(day: string, em?: EntityManager): Promise<BundleEntity[]> {
    return (em ?? this.repo.manager).createQueryBuilder(BundleEntity, 'b')
      .where('b.active = :active', { active: true })
      .andWhere('(b.available_from IS NULL OR b.available_from <= :day)', { day })
      .andWhere('(b.available_until IS NULL OR b.available_until >= :day)', { day })
      .orderBy('b.price_cents', 'ASC').addOrderBy('b.id', 'ASC')
      .getMany();
  }

  findById(id: number, em?: EntityManager): Promise<BundleEntity | null> {
    return (em ?? this.repo.manager).findOne(BundleEntity, { where: { id } });
  }

  /**
   * The row to change, locked until the transaction ends on MySQL, so two
   * concurrent edits apply one after the other instead of the later one
   * writing back a stale copy (SQLite runs one transaction at a time).
   */
  findByIdForUpdate(id: number, em: EntityManager, lock: boolean): Promise<BundleEntity | null> {
    return em.findOne(BundleEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async insert(em: EntityManager, row: Omit<BundleEntity, 'id'>): Promise<BundleEntity> {
    const r = await em.insert(BundleEntity, row);
    return { ...row, id: Number(r.identifiers[0].id) };
  }

  async update(em: EntityManager, id: number, patch: Partial<BundleEntity>): Promise<void> {
    await em.update(BundleEntity, { id }, patch);
  }
}
