import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { Actor, canSeeAccount } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { idString } from '../common/database/ids';
import { Period } from '../common/database/periods';
import { TransactionService } from '../common/database/transaction.service';
import { LEDGER_KINDS, LedgerEntryEntity, LedgerKind } from './ledger-entry.entity';
import { PointBankError } from './point-bank.errors';
import { PointBankRepository } from './point-bank.repository';
import { LedgerEntryView } from './dto/ledger-entry.view';
import { POINTS_CHANGED, PointsChangedEvent } from './points-changed.event';

export { LedgerEntryView };

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
    for (const r of await this.repo.sumsByKind(p)) out[r.kind] = r.points;
    return out;
  }

  /** The same per UTC day of the period. */
  sumsByDayAndKind(p: Period): Promise<{ day: string; kind: LedgerKind; points: number }[]> {
    return this.repo.sumsByDayAndKind(p);
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
