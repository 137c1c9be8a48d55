import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasStaffRole } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { TransactionService } from '../common/database/transaction.service';
import { isUniqueViolation } from '../common/database/unique-violation';
import { PolicyService } from '../policy/policy.service';
import { BundleEntity } from './bundle.entity';
import { BundleError } from './bundles.errors';
import { BundlesRepository } from './bundles.repository';
import { BundleView } from './dto/bundle.view';
import { isEmptyPatch } from '../common/patch';

export { BundleView };

export interface NewBundle {
  code: string;
  name: string;
  paidIncidents: number;
  bonusIncidents: number;
  priceCents: number;
  currency?: string;
  availableFrom?: string | null;
  availableUntil?: string | null;
}

export type BundlePatch = Partial<Omit<NewBundle, 'currency'>> & { currency?: string; active?: boolean };

/** Today's date in UTC, the calendar sale windows are written in. */
export const utcDay = (at: Date = new Date()): string => at.toISOString().slice(0, 10);

function onSale(b: BundleEntity, day: string): boolean {
  return b.active && (!b.availableFrom || b.availableFrom <= day) && (!b.availableUntil || b.availableUntil >= day);
}

function view(b: BundleEntity, day = utcDay()): BundleView {
  return {
    id: String(b.id), code: b.code, name: b.name, paidIncidents: b.paidIncidents, bonusIncidents: b.bonusIncidents,
    points: b.points, priceCents: b.priceCents, currency: b.currency, active: b.active,
    availableFrom: b.availableFrom, availableUntil: b.availableUntil, onSale: onSale(b, day),
  };
}

/** The catalog of point bundles ("buy 5 get 6") and their sale windows. */
@Injectable()
export class BundlesService {
  private readonly logger = new Logger(BundlesService.name);

  constructor(
    private readonly repo: BundlesRepository,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  /** Staff see the whole catalog; a client sees only what is on sale today. */
  async list(actor: Actor): Promise<{ items: BundleView[]; total: number }> {
    const items = hasStaffRole(actor, 'agent') ? (await this.repo.findAll()).map((b) => view(b)) : await this.onSale();
    return { items, total: items.length };
  }

  /** Bundles a client can buy today, cheapest first. */
  async onSale(at: Date = new Date(), em?: EntityManager): Promise<BundleView[]> {
    const day = utcDay(at);
    return (await this.repo.findOnSale(day, em)).map((b) => view(b, day));
  }

  /** For a purchase, read in the buyer's transaction: the bundle if it is on sale on that day, else NOT_FOUND / NOT_ON_SALE. */
  async requireOnSale(id: number, em: EntityManager, at: Date = new Date()): Promise<BundleView> {
    const b = await this.repo.findById(id, em);
    if (!b) throw new BundleError('NOT_FOUND', `bundle ${id} not found`);
    const v = view(b, utcDay(at));
    if (!v.onSale) throw new BundleError('NOT_ON_SALE', `bundle ${b.code} is not on sale`);
    return v;
  }

  async get(actor: Actor, id: number): Promise<BundleView> {
    const b = await this.repo.findById(id);
    const v = b && view(b);
    // A client cannot tell a bundle off sale from one that does not exist.
    if (!v || (!hasStaffRole(actor, 'agent') && !v.onSale)) throw new BundleError('NOT_FOUND', `bundle ${id} not found`);
    return v;
  }

  async create(input: NewBundle, actor: Actor): Promise<BundleView> {
    const currency = input.currency ?? (await this.policy.get()).currency;
    const now = new Date();
    const row: Omit<BundleEntity, 'id'> = {
      code: input.code, name: input.name, paidIncidents: input.paidIncidents, bonusIncidents: input.bonusIncidents,
      points: input.paidIncidents + input.bonusIncidents, priceCents: input.priceCents, currency, active: true,
      availableFrom: input.availableFrom ?? null, availableUntil: input.availableUntil ?? null, createdAt: now, updatedAt: now,
    };
    checkWindow(row);
    const created = await this.write(input.code, async (em) => {
      const saved = await this.repo.insert(em, row);
      await this.audit.record(em, { actorId: actor.id, action: 'bundle.create', entityType: 'bundle', entityId: saved.id, after: view(saved) });
      return saved;
    });
    this.logger.log(`bundle created id=${created.id} code=${created.code} by=${actor.id}`);
    return view(created);
  }

  async update(id: number, patch: BundlePatch, actor: Actor): Promise<BundleView> {
    const updated = await this.write(patch.code, async (em) => {
      const before = await this.repo.findByIdForUpdate(id, em, !this.tx.isSqlite);
      if (!before) throw new BundleError('NOT_FOUND', `bundle ${id} not found`);
      if (isEmptyPatch(patch)) return before;
      if (patch.currency !== undefined && patch.currency !== before.currency && patch.priceCents === undefined) {
        throw new BundleError('INVALID', 'priceCents is required when currency changes (the price is in the currency)');
      }
      const after: BundleEntity = { ...before, ...patch, updatedAt: new Date() };
      after.points = after.paidIncidents + after.bonusIncidents;
      checkWindow(after);
      const { id: _id, createdAt: _c, ...columns } = after;
      await this.repo.update(em, id, columns);
      await this.audit.record(em, {
        actorId: actor.id, action: 'bundle.update', entityType: 'bundle', entityId: id, before: view(before), after: view(after),
      });
      return after;
    });
    this.logger.log(`bundle updated id=${id} by=${actor.id}`);
    return view(updated);
  }

  private async write<T>(code: string | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(undefined, work);
    } catch (err) {
      if (isUniqueViolation(err)) throw new BundleError('DUPLICATE_CODE', `code ${code} is already in use`);
      throw err;
    }
  }
}

function checkWindow(b: Pick<BundleEntity, 'availableFrom' | 'availableUntil'>): void {
  if (b.availableFrom && b.availableUntil && b.availableUntil < b.availableFrom) {
    throw new BundleError('INVALID', 'availableUntil must be on or after availableFrom');
  }
}
