import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { Actor, canSeeAccount } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { idString } from '../common/database/ids';
import { Period } from '../common/database/periods';
import { TransactionService } from '../common/database/transaction.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LEDGER_KINDS, LedgerEntryEntity, LedgerKind } from './ledger-entry.entity';
import { PointBankError } from './point-bank.errors';
import { PointBankRepository } from './point-bank.repository';
import { LedgerEntryView } from './dto/ledger-entry.view';
import { POINTS_CHANGED, PointsChangedEvent } from './points-changed.event';

export { LedgerEntryView };

/** Entries added to the daily totals per transaction. */
const ROLLUP_CHUNK = 200_000;

/** Another instance moved the rollup first: this round's work is rolled back. */
class RollupRaced extends Error {}

/** The UTC day a time starts, or null when it is not a midnight. */
function dayStart(t: Date): string | null {
  return t.getTime() % 86_400_000 === 0 ? t.toISOString().slice(0, 10) : null;
}

export interface EntryCommand {
  accountId: number;
  /** Always positive: credit adds it, debit subtracts it. */
  points: number;
  kind: LedgerKind;
  reason: string;
  ticketId?: number | null;
  purchaseId?: number | null;
  letterId?: number | null;
  actorId?: number | null;
  /** Unique per logical movement (`ticket:913:v2:incident`), so a re-run cannot apply it twice. */
  idempotencyKey?: string | null;
}


/**
 * The only code that changes balances. A balance change is always a guarded
 * update of point_balances plus one appended ledger_entries row, in one
 * transaction, so balance = sum of entries = last balanceAfter.
 */
@Injectable()
export class PointBankService {
  private readonly logger = new Logger(PointBankService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: PointBankRepository,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly events: EventEmitter2,
  ) {}

  static view(e: LedgerEntryEntity): LedgerEntryView {
    return {
      id: String(e.id), accountId: String(e.accountId), delta: e.delta, balanceAfter: e.balanceAfter,
      kind: e.kind, reason: e.reason, ticketId: idString(e.ticketId), purchaseId: idString(e.purchaseId),
      letterId: idString(e.letterId), actorId: idString(e.actorId), createdAt: e.createdAt.toISOString(),
    };
  }

  /** Creates the zero balance of a new account, in the account's creating transaction. */
  async openAccount(em: EntityManager, accountId: number): Promise<void> {
    await this.repo.open(em, accountId);
  }

  /** Adds points; never fails for a known account. */
  credit(cmd: EntryCommand, outer?: EntityManager): Promise<LedgerEntryView> {
    return this.tx.run(outer, async (em) => {
      const balance = await this.repo.increment(em, cmd.accountId, cmd.points);
      if (balance === null) throw new PointBankError('NOT_FOUND', `account ${cmd.accountId} not found`);
      return this.append(em, cmd, cmd.points, balance);
    });
  }

  /**
   * The same credit to many accounts at once (a batch of a letter or a bulk
   * grant): one entry per account, in the caller's transaction, with the same
   * invariants as credit(). A handful of statements per batch instead of two
   * per account: the balances are raised by one guarded UPDATE (the rows stay
   * locked until commit, so the balances read back are this transaction's),
   * and the entries are inserted together. Every account id must be distinct
   * and known; `keyOf` gives each entry its idempotency key.
   */
  async creditEach(
    accountIds: number[], cmd: Omit<EntryCommand, 'accountId' | 'idempotencyKey'>, keyOf: (accountId: number) => string, em: EntityManager,
  ): Promise<LedgerEntryView[]> {
    if (accountIds.length === 0) return [];
    if (new Set(accountIds).size !== accountIds.length) throw new PointBankError('INVALID', 'creditEach needs distinct accounts');
    if ((await this.repo.incrementMany(em, accountIds, cmd.points)) !== accountIds.length) {
      throw new PointBankError('NOT_FOUND', 'an account of the batch was not found');
    }
    const balances = await this.balancesOf(accountIds, em);
    const createdAt = new Date();
    const entries = await this.repo.appendEntries(em, accountIds.map((accountId) => ({
      accountId, delta: cmd.points, balanceAfter: balances.get(accountId)!, kind: cmd.kind, reason: cmd.reason,
      ticketId: cmd.ticketId ?? null, purchaseId: cmd.purchaseId ?? null, letterId: cmd.letterId ?? null,
      actorId: cmd.actorId ?? null, idempotencyKey: keyOf(accountId), createdAt,
    })));
    const views = entries.map(PointBankService.view);
    for (const entry of views) await this.events.emitAsync(POINTS_CHANGED, { em, entry } satisfies PointsChangedEvent);
    return views;
  }

  /** Removes points, or throws INSUFFICIENT_POINTS leaving the balance untouched; never overdraws. */
  debit(cmd: EntryCommand, outer?: EntityManager): Promise<LedgerEntryView> {
    return this.tx.run(outer, async (em) => {
      const entry = await this.tryDebit(cmd, em);
      if (!entry) {
        throw new PointBankError('INSUFFICIENT_POINTS', `the balance does not cover ${cmd.points} points`, { accountId: cmd.accountId });
      }
      return entry;
    });
  }

  /** Removes points when the balance covers them; returns null (and changes nothing) when it does not. */
  async tryDebit(cmd: EntryCommand, em: EntityManager): Promise<LedgerEntryView | null> {
    const balance = await this.repo.decrementIfAvailable(em, cmd.accountId, cmd.points);
    return balance === null ? null : this.append(em, cmd, -cmd.points, balance);
  }

  /** A manager's grant of free points; audited with the reason. */
  grant(accountId: number, points: number, reason: string, actor: Actor): Promise<LedgerEntryView> {
    return this.tx.run(undefined, async (em) => {
      const entry = await this.credit({ accountId, points, kind: 'grant', reason, actorId: actor.id }, em);
      await this.audit.record(em, {
        actorId: actor.id, action: 'points.grant', entityType: 'account', entityId: accountId, reason,
        before: { balance: entry.balanceAfter - points }, after: { balance: entry.balanceAfter, entryId: entry.id },
      });
      this.logger.log(`grant account=${accountId} points=${points} by=${actor.id}`);
      return entry;
    });
  }

  /** A manager's correction in either direction; refuses to take the balance below zero. */
  adjust(accountId: number, delta: number, reason: string, actor: Actor): Promise<LedgerEntryView> {
    return this.tx.run(undefined, async (em) => {
      const cmd: EntryCommand = { accountId, points: Math.abs(delta), kind: 'adjustment', reason, actorId: actor.id };
      const entry = delta > 0 ? await this.credit(cmd, em) : await this.debitKnown(cmd, em);
      await this.audit.record(em, {
        actorId: actor.id, action: 'points.adjust', entityType: 'account', entityId: accountId, reason,
        before: { balance: entry.balanceAfter - delta }, after: { balance: entry.balanceAfter, entryId: entry.id },
      });
      this.logger.log(`adjust account=${accountId} delta=${delta} by=${actor.id}`);
      return entry;
    });
  }

  async balanceOf(accountId: number): Promise<number> {
    const row = await this.repo.findBalance(accountId);
    if (!row) throw new PointBankError('NOT_FOUND', `account ${accountId} not found`);
    return row.balance;
  }

  async balancesOf(accountIds: number[], em?: EntityManager): Promise<Map<number, number>> {
    const rows = await this.repo.findBalances(accountIds, em);
    return new Map(rows.map((r) => [r.accountId, r.balance]));
  }

  /** The account's history, newest first. A client sees only its own account (others are "not found"). */
  async history(actor: Actor, accountId: number, limit: number, offset: number) {
    const row = canSeeAccount(actor, accountId) ? await this.repo.findBalance(accountId) : null;
    if (!row) throw new PointBankError('NOT_FOUND', `account ${accountId} not found`);
    const [entries, total] = await this.repo.findEntries(accountId, limit, offset);
    return { balance: row.balance, items: entries.map(PointBankService.view), total };
  }

  /** Points moved in the period per entry kind (signed sums: incident debits are negative). Kinds with no entry are 0. */
  async sumsByKind(p: Period): Promise<Record<LedgerKind, number>> {
    const out = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as Record<LedgerKind, number>;
    for (const r of await this.sumsByDayAndKind(p)) out[r.kind] += r.points;
    return out;
  }

  /**
   * The same per UTC day of the period. A period of whole days is read from
   * the daily totals plus the entries not yet added to them (ids after the
   * rollup's), in one transaction so both are read from the same snapshot;
   * any other period from the entries.
   */
  async sumsByDayAndKind(p: Period): Promise<{ day: string; kind: LedgerKind; points: number }[]> {
    const fromDay = p.from && dayStart(p.from);
    const untilDay = p.until && dayStart(p.until);
    if (fromDay === null || untilDay === null) return this.repo.sumsByDayAndKind(p);
    const parts = await this.tx.run(undefined, async (em) => {
      const { rolledId } = await this.repo.rollupState(em);
      return [...await this.repo.dailyTotals(em, fromDay, untilDay), ...await this.repo.sumsByDayAndKind(p, rolledId, em)];
    });
    const merged = new Map<string, { day: string; kind: LedgerKind; points: number }>();
    for (const s of parts) {
      const key = `${s.day}|${s.kind}`;
      const row = merged.get(key);
      if (row) row.points += s.points;
      else merged.set(key, { day: s.day, kind: s.kind, points: s.points });
    }
    return [...merged.values()];
  }

  /**
   * Brings the daily totals up to date, in rounds of at most ROLLUP_CHUNK
   * entries. Entries are added by id, never twice: a round adds the ids up
   * to the highest id seen at least `lagMs` earlier (by default one
   * REPORT_ROLLUP_INTERVAL_MS, the previous round) — every transaction that
   * wrote a lower id has committed by then (ids are handed out at insert; our
   * transactions last seconds) — and then looks at the highest id again. On
   * SQLite transactions run one at a time, so nothing is in flight and no lag
   * is needed. Safe to run on several instances (the state moves guarded).
   * Returns how many entries were added.
   */
  async rollUpReports(opts: { now?: Date; lagMs?: number } = {}): Promise<number> {
    const now = opts.now ?? new Date();
    const lagMs = this.tx.isSqlite ? 0 : opts.lagMs ?? this.config.reports.rollupIntervalMs;
    let added = 0;
    for (;;) {
      const step = await this.tx.run(undefined, async (em) => {
        const state = await this.repo.rollupState(em);
        if (state.rolledId >= state.seenId) {
          // Caught up with what was seen: look again, and roll that up once it is old enough.
          const seenId = await this.repo.maxEntryId(em);
          if (seenId === state.seenId) return 0;
          await this.repo.advanceRollup(em, state, { rolledId: state.rolledId, seenId, seenAt: now });
          return lagMs === 0 ? -1 : 0;
        }
        if (now.getTime() - state.seenAt.getTime() < lagMs) return 0;
        const upTo = Math.min(state.seenId, state.rolledId + ROLLUP_CHUNK);
        const sums = await this.repo.sumsOfIds(em, state.rolledId, upTo);
        await this.repo.addDailyTotals(em, sums);
        if (!(await this.repo.advanceRollup(em, state, { ...state, rolledId: upTo }))) throw new RollupRaced();
        return sums.reduce((n, s) => n + s.entries, 0) || -1;
      }).catch((err: unknown) => (err instanceof RollupRaced ? 0 : Promise.reject(err)));
      if (step === 0) return added;
      if (step > 0) added += step;
    }
  }

  /** Points each account paid for incidents since `since`, net of refunds. */
  netDebitedByAccount(accountIds: number[], since: Date): Promise<Map<number, number>> {
    return this.repo.netDebitedByAccount(accountIds, since);
  }

  async entriesForTicket(ticketId: number): Promise<LedgerEntryView[]> {
    return (await this.repo.findEntriesForTicket(ticketId)).map(PointBankService.view);
  }

  /** SQL condition on an account id column selecting accounts whose balance is (not) at or below a threshold. */
  balanceCondition(column: string, threshold: number, atOrBelow: boolean): { sql: string; params: Record<string, number> } {
    const op = atOrBelow ? '<=' : '>';
    return {
      sql: `${column} IN (SELECT pb.account_id FROM point_balances pb WHERE pb.balance ${op} :lowBalanceThreshold)`,
      params: { lowBalanceThreshold: threshold },
    };
  }

  private async debitKnown(cmd: EntryCommand, em: EntityManager): Promise<LedgerEntryView> {
    if (!(await this.repo.findBalance(cmd.accountId, em))) throw new PointBankError('NOT_FOUND', `account ${cmd.accountId} not found`);
    return this.debit(cmd, em);
  }

  private async append(em: EntityManager, cmd: EntryCommand, delta: number, balanceAfter: number): Promise<LedgerEntryView> {
    const entry = await this.repo.appendEntry(em, {
      accountId: cmd.accountId, delta, balanceAfter, kind: cmd.kind, reason: cmd.reason,
      ticketId: cmd.ticketId ?? null, purchaseId: cmd.purchaseId ?? null, letterId: cmd.letterId ?? null,
      actorId: cmd.actorId ?? null, idempotencyKey: cmd.idempotencyKey ?? null, createdAt: new Date(),
    });
    const view = PointBankService.view(entry);
    const event: PointsChangedEvent = { em, entry: view };
    await this.events.emitAsync(POINTS_CHANGED, event);
    return view;
  }
}
