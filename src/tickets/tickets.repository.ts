import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { Fault, TicketEntity } from './ticket.entity';

export interface TicketFilter {
  accountId?: number;
  status?: 'open' | 'resolved';
  fault?: Fault;
  limit: number;
  offset: number;
}

@Injectable()
export class TicketsRepository {
  constructor(@InjectRepository(TicketEntity) private readonly repo: Repository<TicketEntity>) {}

  async insert(em: EntityManager, t: Omit<TicketEntity, 'id'>): Promise<TicketEntity> {
    const r = await em.insert(TicketEntity, t);
    return { ...t, id: Number(r.identifiers[0].id) };
  }

  findById(id: number, em?: EntityManager): Promise<TicketEntity | null> {
    return (em ?? this.repo.manager).findOne(TicketEntity, { where: { id } });
  }

  /**
   * Updates a ticket only if nobody changed its effect since it was read
   * (charge_version), bumping the version. On MySQL the row stays locked
   * until commit, so concurrent reclassifications queue up and the loser
   * sees a stale version.
   */
  async updateIfVersion(em: EntityManager, id: number, version: number, patch: Partial<TicketEntity>): Promise<boolean> {
    const r = await em.createQueryBuilder().update(TicketEntity)
      .set({ ...patch, chargeVersion: version + 1 })
      .where('id = :id AND charge_version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  async update(em: EntityManager, id: number, patch: Partial<TicketEntity>): Promise<void> {
    await em.update(TicketEntity, { id }, patch);
  }

  findPage(f: TicketFilter): Promise<[TicketEntity[], number]> {
    const where: FindOptionsWhere<TicketEntity> = {};
    if (f.accountId !== undefined) where.accountId = f.accountId;
    if (f.status) where.status = f.status;
    if (f.fault) where.fault = f.fault;
    return this.repo.findAndCount({ where, order: { id: 'DESC' }, take: f.limit, skip: f.offset });
  }
}
