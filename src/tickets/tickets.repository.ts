import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { dayOf, inPeriod, Period } from '../common/database/periods';
import { dbTime, execute, select } from '../common/database/sql';
import { ChargeKind, Fault, TicketEntity } from './ticket.entity';

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

  /**
   * Inserts the ticket if `source` (a FROM clause, see
   * AccountsService.openAccountSource) yields a row; null when it does not.
   * Runs for every logged call: hand-written (see common/database/sql.ts).
   */
  async insertFrom(em: EntityManager, t: Omit<TicketEntity, 'id'>, source: { sql: string; params: unknown[] }): Promise<TicketEntity | null> {
    const r = await execute(em,
      'INSERT INTO tickets (account_id, channel, priority, subject, description, incident_type_id, fault, status, charge_kind, ' +
        'charge_points, charge_fee_cents, bonus_points, charge_version, created_by_id, created_at, resolved_at, resolution) ' +
        `SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? ${source.sql}`,
      [t.accountId, t.channel, t.priority, t.subject, t.description, t.incidentTypeId, t.fault, t.status, t.chargeKind,
        t.chargePoints, t.chargeFeeCents, t.bonusPoints, t.chargeVersion, t.createdById, dbTime(em, t.createdAt),
        t.resolvedAt && dbTime(em, t.resolvedAt), t.resolution, ...source.params]);
    return r.affected === 1 ? { ...t, id: r.insertId } : null;
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

  // Reports: aggregates over tickets created in any of some periods (usually
  // one; see TicketsService.totals for when there are several).

  async totals(ranges: Period[], em: EntityManager = this.repo.manager): Promise<{ fault: Fault; chargeKind: ChargeKind; n: number; feeCents: number; chargePoints: number }[]> {
    const w = inAnyPeriod(em, 'created_at', ranges);
    const rows = await select<{ fault: Fault; charge_kind: ChargeKind; n: string | number; fees: string | number; pts: string | number }>(em,
      `SELECT fault, charge_kind, COUNT(*) AS n, COALESCE(SUM(charge_fee_cents), 0) AS fees, COALESCE(SUM(charge_points), 0) AS pts
       FROM tickets WHERE ${w.sql} GROUP BY fault, charge_kind`, w.params);
    return rows.map((r) => ({ fault: r.fault, chargeKind: r.charge_kind, n: Number(r.n), feeCents: Number(r.fees), chargePoints: Number(r.pts) }));
  }

  async countsByDay(ranges: Period[], em: EntityManager = this.repo.manager): Promise<{ day: string; fault: Fault; n: number }[]> {
    const w = inAnyPeriod(em, 'created_at', ranges);
    const rows = await select<{ day: string; fault: Fault; n: string | number }>(em,
      `SELECT ${dayOf('created_at')} AS day, fault, COUNT(*) AS n FROM tickets WHERE ${w.sql} GROUP BY 1, 2`, w.params);
    return rows.map((r) => ({ day: String(r.day), fault: r.fault, n: Number(r.n) }));
  }

  async topCallers(since: Date, limit: number): Promise<{ accountId: number; incidents: number; clientCaused: number }[]> {
    const em = this.repo.manager;
    const rows = await select<{ account_id: number; n: string | number; client: string | number }>(em,
      `SELECT account_id, COUNT(*) AS n, SUM(CASE WHEN fault = 'client' THEN 1 ELSE 0 END) AS client
       FROM tickets WHERE created_at >= ? GROUP BY account_id ORDER BY n DESC, client DESC, account_id ASC LIMIT ${Math.trunc(limit)}`,
      [dbTime(em, since)]);
    return rows.map((r) => ({ accountId: Number(r.account_id), incidents: Number(r.n), clientCaused: Number(r.client) }));
  }

  /** SQL condition on an account id column: accounts with at least `min` tickets created since `since`. */
  callersCondition(column: string, min: number, since: Date): { sql: string; params: Record<string, unknown> } {
    return {
      sql: `${column} IN (SELECT t.account_id FROM tickets t WHERE t.created_at >= :incidentsSince GROUP BY t.account_id HAVING COUNT(*) >= :minIncidents)`,
      params: { incidentsSince: dbTime(this.repo.manager, since), minIncidents: min },
    };
  }
}

/** `(column >= ? AND column < ?) OR (…)`: a time column in any of the periods (ranges of one index, which MySQL reads as such). */
function inAnyPeriod(em: EntityManager, column: string, ranges: Period[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const any = ranges.map((p) => {
    const w = inPeriod(em, column, p);
    params.push(...w.params);
    return w.sql === '' ? '1 = 1' : `(${w.sql.replace(/^ AND /, '')})`;
  });
  return { sql: any.length === 0 ? '1 = 0' : `(${any.join(' OR ')})`, params };
}
