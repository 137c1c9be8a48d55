import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { isUniqueViolation } from '../common/database/unique-violation';
import { TransactionService } from '../common/database/transaction.service';
import { IncidentTypeEntity } from './incident-type.entity';
import { IncidentTypeError } from './incident-types.errors';
import { IncidentTypesRepository } from './incident-types.repository';
import { IncidentTypeView } from './dto/incident-type.view';
import { isEmptyPatch } from '../common/patch';

export { IncidentTypeView };


const view = (e: IncidentTypeEntity): IncidentTypeView => ({ id: String(e.id), code: e.code, name: e.name, points: e.points, active: e.active });

// Read on every charge; other instances see a change within this time.
const CACHE_MS = 2000;

@Injectable()
export class IncidentTypesService {
  private cache: { byId: Map<number, IncidentTypeEntity>; at: number } | null = null;

  constructor(
    private readonly repo: IncidentTypesRepository,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  async list(): Promise<IncidentTypeView[]> {
    return [...(await this.all()).values()].map(view).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The incident type a ticket may use: it must exist (else 404, an id that names nothing) and be active (else 400). */
  async requireActive(id: number, em?: EntityManager): Promise<IncidentTypeView> {
    const t = (await this.all(em)).get(id);
    if (!t) throw new IncidentTypeError('NOT_FOUND', `incidentTypeId ${id} names no incident type`);
    if (!t.active) throw new IncidentTypeError('INVALID', `incidentTypeId ${id} names an incident type that is no longer in use`);
    return view(t);
  }

  /** Any incident type by id (also inactive ones: old tickets keep theirs). */
  async find(id: number, em?: EntityManager): Promise<IncidentTypeView | null> {
    const t = (await this.all(em)).get(id);
    return t ? view(t) : null;
  }

  async create(input: { code: string; name: string; points: number }, actorId: number): Promise<IncidentTypeView> {
    const created = await this.write(async (em) => {
      const row = await this.repo.insert(em, { ...input, active: true, createdAt: new Date() });
      await this.audit.record(em, { actorId, action: 'incident_type.create', entityType: 'incident_type', entityId: row.id, after: view(row) });
      return row;
    }, input.code);
    return view(created);
  }

  async update(id: number, patch: Partial<Pick<IncidentTypeEntity, 'code' | 'name' | 'points' | 'active'>>, actorId: number): Promise<IncidentTypeView> {
    const updated = await this.write(async (em) => {
      const before = await this.repo.findById(id, em);
      if (!before) throw new IncidentTypeError('NOT_FOUND', `incident type ${id} not found`);
      if (isEmptyPatch(patch)) return before;
      const after = { ...before, ...patch };
      await this.repo.update(em, id, patch);
      await this.audit.record(em, { actorId, action: 'incident_type.update', entityType: 'incident_type', entityId: id, before: view(before), after: view(after) });
      return after;
    }, patch.code);
    return view(updated);
  }

  private async write<T>(work: (em: EntityManager) => Promise<T>, code?: string): Promise<T> {
    try {
      return await this.tx.run(undefined, work);
    } catch (err) {
      if (isUniqueViolation(err)) throw new IncidentTypeError('DUPLICATE_CODE', `code ${code} is already in use`);
      throw err;
    } finally {
      this.cache = null;
    }
  }

  /** The cached types; `em` reads them on the caller's transaction (never wait for a second pooled connection while holding one). */
  private async all(em?: EntityManager): Promise<Map<number, IncidentTypeEntity>> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.byId;
    const rows = await this.repo.findAll(em);
    this.cache = { byId: new Map(rows.map((r) => [r.id, r])), at: Date.now() };
    return this.cache.byId;
  }
}
