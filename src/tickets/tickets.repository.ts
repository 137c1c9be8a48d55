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
   * Claims the ticket for a change: bumps charge_version only if nobody
   * changed it since it was read. On MySQL the row then stays locked until
   * commit, so concurrent changes of one ticket queue up here, before any
   * points move, and the later ones see a stale version.
   */
  async bumpVersion(em: EntityManager, id: number, version: number): Promise<boolean> {
    const r = await em.createQueryBuilder().update(TicketEntity)
      .set({ chargeVersion: version + 1 })
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
