import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { Actor, canSeeAccount, hasStaffRole } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { idString } from '../common/database/ids';
import { Period } from '../common/database/periods';
import { TransactionService } from '../common/database/transaction.service';
import { IncidentTypesService } from '../incident-types/incident-types.service';
import { PointBankService } from '../point-bank/point-bank.service';
import { PolicyService } from '../policy/policy.service';
import { Channel, Policy } from '../policy/policy.types';
import { Classification, Effect, expectedEffect, Intent, intentFor, NO_EFFECT, sameClassification } from './charging';
import { Fault, Priority, TicketEntity } from './ticket.entity';
import { TicketError } from './tickets.errors';
import { TicketFilter, TicketsRepository } from './tickets.repository';
import { addDays, daysFrom, isWholeDays, lastDayOf, planReport, RolledDays, utcDay } from './report-days';
import { TicketRollupRepository } from './ticket-rollup.repository';
import { TicketView } from './dto/ticket.view';

export { TicketView };

export interface NewTicket {
  accountId: number;
  channel: Channel;
  subject: string;
  description?: string;
  incidentTypeId?: number;
  fault?: Fault;
  priority?: Priority;
}

export interface TicketChanges {
  subject?: string;
  description?: string | null;
  priority?: Priority;
  channel?: Channel;
  incidentTypeId?: number | null;
}


/** Ledger key of one movement a ticket version causes, so no re-run can apply it twice. */
const entryKey = (ticketId: number, version: number, kind: string) => `ticket:${ticketId}:v${version}:${kind}`;

/** Thrown inside a transaction when another change of the same ticket committed first. */
class StaleTicket extends Error {}

/** Thrown inside a rollup step when another round (another instance) moved rolled_until first. */
class RollupTaken extends Error {}

/**
 * Days added to the report totals per transaction: the first rollup over
 * years of tickets is a series of short transactions, not one long one.
 */
const ROLLUP_STEP_DAYS = 60;

export function ticketReference(id: number): string {
  return `PD-${String(id).padStart(6, '0')}`;
}

const effectOf = (t: TicketEntity): Effect => ({
  kind: t.chargeKind, points: t.chargePoints, feeCents: t.chargeFeeCents, bonusPoints: t.bonusPoints,
});
const classificationOf = (t: TicketEntity): Classification => ({ channel: t.channel, fault: t.fault, incidentTypeId: t.incidentTypeId });
const effectColumns = (e: Effect) => ({ chargeKind: e.kind, chargePoints: e.points, chargeFeeCents: e.feeCents, bonusPoints: e.bonusPoints });

/**
 * Calls and their charges. Whenever a ticket's classification (fault,
 * incident type or channel) is set or changes, its previous effect on the
 * point bank is undone and the policy's effect for the new classification
 * applied, in one transaction; the ticket's ledger entries always add up to
 * the effect stored on the ticket.
 */
@Injectable()
export class TicketsService {
  private readonly logger = new Logger(TicketsService.name);

  constructor(
    private readonly repo: TicketsRepository,
    private readonly accounts: AccountsService,
    private readonly bank: PointBankService,
    private readonly policy: PolicyService,
    private readonly types: IncidentTypesService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly rollup: TicketRollupRepository,
  ) {}

  static view(t: TicketEntity): TicketView {
    return {
      id: String(t.id), reference: ticketReference(t.id), accountId: String(t.accountId), channel: t.channel,
      priority: t.priority, subject: t.subject, description: t.description, incidentTypeId: idString(t.incidentTypeId),
      fault: t.fault, status: t.status, charge: { kind: t.chargeKind, points: t.chargePoints, feeCents: t.chargeFeeCents },
      createdById: idString(t.createdById), createdAt: t.createdAt.toISOString(),
      resolvedAt: t.resolvedAt ? t.resolvedAt.toISOString() : null, resolution: t.resolution,
    };
  }

  /**
   * SQL condition on an account id column selecting the accounts that logged
   * at least `minIncidents` tickets (calls, emails, portal) in the last
   * `days` days: the heavy callers of a segment.
   */
  callersCondition(column: string, minIncidents: number, days: number): { sql: string; params: Record<string, unknown> } {
    return this.repo.callersCondition(column, minIncidents, new Date(Date.now() - days * 86_400_000));
  }

  /**
   * Tickets created in the period: how many by fault, the per-incident fees
   * they were billed, and the points waived in shadow mode (what the free
   * period cost).
   */
  async totals(p: Period): Promise<{ total: number; provider: number; client: number; undetermined: number; feeCents: number; waivedPoints: number }> {
    const out = { total: 0, provider: 0, client: 0, undetermined: 0, feeCents: 0, waivedPoints: 0 };
    const rows = await this.fromDailyTotals(p, (em, days) => this.rollup.totals(em, days), (em, ranges) => this.repo.totals(ranges, em));
    for (const r of rows) {
      out.total += r.n;
      out[r.fault] += r.n;
      if (r.chargeKind === 'fee') out.feeCents += r.feeCents;
      if (r.chargeKind === 'waived') out.waivedPoints += r.chargePoints;
    }
    return out;
  }

  /** Tickets created per UTC day of the period, by fault (oldest day first). */
  async countsByDay(p: Period): Promise<{ day: string; fault: Fault; n: number }[]> {
    const rows = await this.fromDailyTotals(p, (em, days) => this.rollup.countsByDay(em, days), (em, ranges) => this.repo.countsByDay(ranges, em));
    return rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.fault < b.fault ? -1 : a.fault > b.fault ? 1 : 0));
  }

  /**
   * Rows of a report over tickets created in the period. A period of whole
   * UTC days reads its rolled-up days from ticket_daily_totals and only the
   * rest (days after rolled_until, dirty days) from the tickets, so all time
   * over a million tickets costs a few thousand rows (see rollUpReports).
   * One transaction, so on MySQL every part is read from one snapshot; each
   * day is read from exactly one of the two in any case, as the dirty days
   * and rolled_until read here are passed to both queries.
   */
  private async fromDailyTotals<T>(
    p: Period,
    fromTotals: (em: EntityManager, days: RolledDays) => Promise<T[]>,
    fromTickets: (em: EntityManager | undefined, ranges: Period[]) => Promise<T[]>,
  ): Promise<T[]> {
    if (!isWholeDays(p)) return fromTickets(undefined, [p]);
    return this.tx.run(undefined, async (em) => {
      const rolledUntil = await this.rollup.rolledUntil(em);
      let dirty: string[] = [];
      if (rolledUntil !== null) {
        const last = lastDayOf(p);
        const to = last !== undefined && last < rolledUntil ? last : rolledUntil;
        dirty = (await this.rollup.dirtyDays(em, { from: p.from && utcDay(p.from), to })).map((d) => d.day);
      }
      const plan = planReport(p, rolledUntil, dirty);
      const rows = plan.rolled ? await fromTotals(em, plan.rolled) : [];
      if (plan.live.length > 0) rows.push(...(await fromTickets(em, plan.live)));
      return rows;
    });
  }

  /**
   * Brings the reports' daily ticket totals up to date (the scheduler runs
   * it every REPORT_ROLLUP_INTERVAL_MS). First adds the days after
   * rolled_until up to the day before yesterday (UTC), at most
   * ROLLUP_STEP_DAYS per transaction; then recomputes, one transaction
   * each, the rolled days marked dirty. Safe with several instances at once:
   * rolled_until moves by a guarded update (a round that loses stops), and a
   * day is unmarked only if nobody marked it again since it was read.
   */
  async rollUpReports(now = new Date()): Promise<{ days: number; recomputed: number }> {
    const lastDay = addDays(utcDay(now), -2);
    let days = 0;
    for (;;) {
      let added: number;
      try {
        added = await this.tx.run(undefined, (em) => this.rollUpNextDays(em, lastDay));
      } catch (err) {
        if (!(err instanceof RollupTaken)) throw err;
        this.logger.log(`report rollup: another round is adding days; this one stops (added ${days} days)`);
        return { days, recomputed: 0 };
      }
      if (added === 0) break;
      days += added;
    }
    const dirty = await this.tx.run(undefined, async (em) => {
      const rolledUntil = await this.rollup.rolledUntil(em);
      return rolledUntil === null ? [] : this.rollup.dirtyDays(em, { to: rolledUntil });
    });
    let recomputed = 0;
    for (const { day } of dirty) {
      if (await this.tx.run(undefined, (em) => this.recomputeDay(em, day))) recomputed++;
    }
    if (days > 0 || recomputed > 0) this.logger.log(`report rollup: added ${days} days, recomputed ${recomputed} changed days`);
    return { days, recomputed };
  }

  /** Adds the next days (up to `lastDay`) to the totals; how many (0: caught up). */
  private async rollUpNextDays(em: EntityManager, lastDay: string): Promise<number> {
    // Read first, so on MySQL everything below is read from the snapshot taken here.
    const rolledUntil = await this.rollup.rolledUntil(em);
    const first = rolledUntil === null ? await this.rollup.firstTicketDay(em) : addDays(rolledUntil, 1);
    if (first === null || first > lastDay) return 0;
    const stepEnd = addDays(first, ROLLUP_STEP_DAYS - 1);
    const last = stepEnd < lastDay ? stepEnd : lastDay;
    // These days' marks, seen in the snapshot, are for changes the totals below include.
    const marks = await this.rollup.dirtyDays(em, { from: rolledUntil === null ? undefined : first, to: last });
    // Claimed before any row is written, so a concurrent round waits here (MySQL) and then stops instead of adding the days twice.
    if (!(await this.rollup.advance(em, rolledUntil, last))) throw new RollupTaken();
    await this.rollup.insertTotals(em, await this.rollup.computeDays(em, first, last));
    for (const m of marks) await this.rollup.clearDirtyDay(em, m.day, m.markedAt);
    return daysFrom(first, last);
  }

  /** Recomputes a rolled day marked dirty; false when another round did, or it was marked again meanwhile (the next round does it). */
  private async recomputeDay(em: EntityManager, day: string): Promise<boolean> {
    const [mark] = await this.rollup.dirtyDays(em, { from: day, to: day });
    // Unmarked first: a round doing the same day at once waits here (MySQL) and then finds nothing to do.
    // The tickets are read below from the snapshot the mark was read in, so they include every change marked so far.
    if (!mark || !(await this.rollup.clearDirtyDay(em, day, mark.markedAt))) return false;
    await this.rollup.deleteTotals(em, day);
    await this.rollup.insertTotals(em, await this.rollup.computeDays(em, day, day));
    return true;
  }

  /** The accounts with the most tickets since `since` (ties: more client-caused first). */
  topCallers(since: Date, limit: number): Promise<{ accountId: number; incidents: number; clientCaused: number }[]> {
    return this.repo.topCallers(since, limit);
  }

  async create(input: NewTicket, actor: Actor): Promise<TicketView> {
    // A client names only its own account; any other is "not found", as everywhere.
    if (!canSeeAccount(actor, input.accountId)) throw new TicketError('NOT_FOUND', `account ${input.accountId} not found`);
    const isClient = actor.role === 'client';
    // A client opens tickets from the portal only, for its own account, and does not classify them.
    const cls: Classification = {
      channel: isClient ? 'portal' : input.channel,
      fault: isClient ? 'undetermined' : input.fault ?? 'undetermined',
      incidentTypeId: input.incidentTypeId ?? null,
    };
    const [policy, typePoints] = await Promise.all([this.policy.get(), this.typePoints(cls.incidentTypeId)]);
    const createdAt = new Date();
    const intent = intentFor(policy, cls, typePoints, createdAt);
    // The ticket is inserted with the effect its classification should have;
    // only a shortfall (fee instead of points) needs a second write.
    const expected = expectedEffect(intent);
    const ticket = await this.tx.run(undefined, async (em) => {
      // Inserted only for an open account: one statement instead of a check and an insert.
      const row = await this.repo.insertFrom(em, {
        accountId: input.accountId, ...cls, priority: input.priority ?? 'normal', subject: input.subject,
        description: input.description ?? null, status: 'open', ...effectColumns(expected), chargeVersion: 0,
        createdById: actor.id, createdAt, resolvedAt: null, resolution: null,
      }, this.accounts.openAccountSource(input.accountId));
      if (!row) {
        await this.accounts.assertOpen(em, actor, input.accountId);
        throw new TicketError('CONFLICT', `account ${input.accountId} changed while the call was logged; try again`);
      }
      const effect = await this.apply(em, row, 0, intent, policy, actor);
      if (effect.kind !== expected.kind) await this.repo.update(em, row.id, effectColumns(effect));
      // A call that is charged (or earns a bonus) as it is logged changes points or money: audited like a reclassification.
      if (effect.kind !== 'none' || effect.bonusPoints > 0) {
        await this.audit.record(em, {
          actorId: actor.id, action: 'ticket.charge', entityType: 'ticket', entityId: row.id,
          after: { ...cls, incidentTypeId: idString(cls.incidentTypeId), charge: effect },
        });
      }
      return { ...row, ...effectColumns(effect) };
    });
    this.logger.log(`ticket created id=${ticket.id} account=${ticket.accountId} charge=${ticket.chargeKind}:${ticket.chargePoints}`);
    return TicketsService.view(ticket);
  }

  async get(actor: Actor, id: number): Promise<TicketView> {
    return TicketsService.view(await this.visible(actor, id));
  }

  async list(actor: Actor, f: TicketFilter): Promise<{ items: TicketView[]; total: number }> {
    // A client only ever lists its own account's tickets, whatever it asks for.
    const filter = actor.role === 'client' ? { ...f, accountId: actor.accountId! } : f;
    const [rows, total] = await this.repo.findPage(filter);
    return { items: rows.map(TicketsService.view), total };
  }

  /** Sets fault (and optionally incident type) and applies the charge; a resolved ticket needs a manager. */
  async classify(actor: Actor, id: number, fault: Fault, incidentTypeId: number | undefined): Promise<TicketView> {
    return this.reclassify(actor, id, (t) => ({ ...classificationOf(t), fault, incidentTypeId: incidentTypeId ?? t.incidentTypeId }), {});
  }

  /** Edits a ticket; a changed channel or incident type re-applies the charge. */
  async update(actor: Actor, id: number, changes: TicketChanges): Promise<TicketView> {
    const fields: Partial<TicketEntity> = {};
    if (changes.subject !== undefined) fields.subject = changes.subject;
    if (changes.description !== undefined) fields.description = changes.description;
    if (changes.priority !== undefined) fields.priority = changes.priority;
    return this.reclassify(actor, id, (t) => ({
      channel: changes.channel ?? t.channel,
      fault: t.fault,
      incidentTypeId: changes.incidentTypeId === undefined ? t.incidentTypeId : changes.incidentTypeId,
    }), fields);
  }

  async resolve(actor: Actor, id: number, resolution: string, fault?: Fault, incidentTypeId?: number): Promise<TicketView> {
    return this.reclassify(
      actor, id,
      (t) => ({ ...classificationOf(t), fault: fault ?? t.fault, incidentTypeId: incidentTypeId ?? t.incidentTypeId }),
      { status: 'resolved', resolvedAt: new Date(), resolution },
    );
  }

  /** The ledger entries a ticket caused, oldest first. */
  async entries(actor: Actor, id: number) {
    await this.visible(actor, id);
    return this.bank.entriesForTicket(id);
  }

  private async reclassify(
    actor: Actor,
    id: number,
    next: (t: TicketEntity) => Classification,
    fields: Partial<TicketEntity>,
  ): Promise<TicketView> {
    const policy = await this.policy.get();
    // A change that lost the race for the ticket is re-run on the fresh ticket:
    // usually it then finds the classification already applied.
    for (let attempt = 1; ; attempt++) {
      try {
        const updated = await this.tx.run(undefined, (em) => this.reclassifyOnce(em, actor, id, next, fields, policy));
        return TicketsService.view(updated);
      } catch (err) {
        if (!(err instanceof StaleTicket)) throw err;
        if (attempt >= 3) throw new TicketError('CONFLICT', `ticket ${id} is being changed by someone else; reload and try again`);
      }
    }
  }

  private async reclassifyOnce(
    em: EntityManager,
    actor: Actor,
    id: number,
    next: (t: TicketEntity) => Classification,
    fields: Partial<TicketEntity>,
    policy: Policy,
  ): Promise<TicketEntity> {
    const t = await this.repo.findById(id, em);
    if (!t) throw new TicketError('NOT_FOUND', `ticket ${id} not found`);
    // Checked here, on the claimed ticket, so two agents resolving at once cannot both succeed.
    if (fields.status === 'resolved' && t.status === 'resolved') throw new TicketError('CONFLICT', `ticket ${id} is already resolved`);
    if (t.status === 'resolved' && !hasStaffRole(actor, 'manager')) {
      throw new TicketError('RESOLVED_MANAGER_ONLY', `ticket ${id} is resolved: only a manager can change its classification`);
    }
    if (!(await this.repo.bumpVersion(em, id, t.chargeVersion))) throw new StaleTicket();
    const version = t.chargeVersion + 1;
    const before = classificationOf(t);
    const after = next(t);
    let effect = effectOf(t);
    if (!sameClassification(before, after)) {
      // A ticket keeps the points of its incident type even if the type was deactivated since.
      const typePoints = after.incidentTypeId !== null && after.incidentTypeId === before.incidentTypeId
        ? ((await this.types.find(after.incidentTypeId, em))?.points ?? null)
        : await this.typePoints(after.incidentTypeId, em);
      await this.undo(em, t, version, effectOf(t), actor);
      effect = await this.apply(em, t, version, intentFor(policy, after, typePoints, t.createdAt), policy, actor);
      await this.audit.record(em, {
        actorId: actor.id, action: 'ticket.reclassify', entityType: 'ticket', entityId: id,
        before: { ...before, incidentTypeId: idString(before.incidentTypeId), charge: effectOf(t) },
        after: { ...after, incidentTypeId: idString(after.incidentTypeId), charge: effect },
      });
    }
    const patch: Partial<TicketEntity> = { ...fields, ...after, ...effectColumns(effect) };
    await this.repo.update(em, id, patch);
    // The reports' daily totals of the ticket's day no longer hold: read live until the next rollup recomputes it.
    if (after.fault !== t.fault || effect.kind !== t.chargeKind || effect.points !== t.chargePoints || effect.feeCents !== t.chargeFeeCents) {
      await this.rollup.markDayDirty(em, id, new Date());
    }
    return { ...t, ...patch, chargeVersion: version };
  }

  /** Undoes a ticket's effect: refunds debited points, takes back a bonus; a fee is simply voided. */
  private async undo(em: EntityManager, t: TicketEntity, version: number, current: Effect, actor: Actor): Promise<void> {
    const ref = ticketReference(t.id);
    const base = { accountId: t.accountId, ticketId: t.id, actorId: actor.id };
    if (current.kind === 'points' && current.points > 0) {
      await this.bank.credit({ ...base, points: current.points, kind: 'refund', reason: `Refund for ${ref} (reclassified)`, idempotencyKey: entryKey(t.id, version, 'refund') }, em);
    }
    if (current.bonusPoints > 0) {
      const reversed = await this.bank.tryDebit({ ...base, points: current.bonusPoints, kind: 'reversal', reason: `Bonus for ${ref} taken back (reclassified)`, idempotencyKey: entryKey(t.id, version, 'reversal') }, em);
      if (!reversed) {
        throw new TicketError('BONUS_ALREADY_SPENT', `the ${current.bonusPoints}-point goodwill bonus of ${ref} has already been spent; a manager can adjust the balance first`);
      }
    }
  }

  /**
   * Applies what the policy asks for: debits (or bills a fee, or refuses a
   * shortfall), credits a bonus, or records a waived charge. Ledger entries
   * carry the ticket id and a key unique to the ticket version (0 at creation).
   */
  private async apply(em: EntityManager, t: TicketEntity, version: number, intent: Intent, policy: Policy, actor: Actor): Promise<Effect> {
    const ref = ticketReference(t.id);
    const base = { accountId: t.accountId, ticketId: t.id, actorId: actor.id };
    switch (intent.kind) {
      case 'none':
      case 'waived':
        return expectedEffect(intent);
      case 'bonus':
        await this.bank.credit({ ...base, points: intent.points, kind: 'bonus', reason: `Goodwill for ${ref} (our fault)`, idempotencyKey: entryKey(t.id, version, 'bonus') }, em);
        return expectedEffect(intent);
      case 'debit': {
        const debited = await this.bank.tryDebit({ ...base, points: intent.points, kind: 'incident', reason: `Incident ${ref}`, idempotencyKey: entryKey(t.id, version, 'incident') }, em);
        if (debited) return expectedEffect(intent);
        if (policy.onShortfall === 'block') {
          throw new TicketError('SHORTFALL_BLOCKED', `the balance does not cover ${intent.points} points and the policy blocks shortfalls`);
        }
        return { ...NO_EFFECT, kind: 'fee', feeCents: policy.perIncidentFeeCents };
      }
    }
  }

  private async typePoints(incidentTypeId: number | null, em?: EntityManager): Promise<number | null> {
    if (incidentTypeId === null) return null;
    return (await this.types.requireActive(incidentTypeId, em)).points;
  }

  private async visible(actor: Actor, id: number): Promise<TicketEntity> {
    const t = await this.repo.findById(id);
    if (!t || !canSeeAccount(actor, t.accountId)) throw new TicketError('NOT_FOUND', `ticket ${id} not found`);
    return t;
  }
}
