import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccountsService } from '../accounts/accounts.service';
import { BundlesService } from '../bundles/bundles.service';
import { TransactionService } from '../common/database/transaction.service';
import { formatMoney } from '../common/money';
import { POINTS_CHANGED, PointsChangedEvent } from '../point-bank/points-changed.event';
import { PolicyService } from '../policy/policy.service';
import { NotificationsService } from './notifications.service';

/** The cheapest ones; a long catalog does not belong in a short email. */
const MAX_BUNDLES_OFFERED = 5;

/** Per transaction (TransactionService.scopeOf) and account: the balance before its first entry, and whether an offer was queued. */
const perTransaction = new WeakMap<object, Map<number, { balanceBefore: number; offered: boolean }>>();

function txState(scope: object, accountId: number, balanceBefore: number) {
  let accounts = perTransaction.get(scope);
  if (!accounts) perTransaction.set(scope, (accounts = new Map()));
  let state = accounts.get(accountId);
  if (!state) accounts.set(accountId, (state = { balanceBefore, offered: false }));
  return state;
}

const pointsText = (n: number) => `${n} ${Math.abs(n) === 1 ? 'point' : 'points'}`;

/**
 * The low-balance upsell: when an entry takes a balance from above
 * lowBalanceThreshold to at or below it, every contact of the account gets
 * one `low_balance_offer` naming the bundles on sale. The crossing is decided
 * from the balance before the transaction's first entry on the account and
 * the balance after this entry (the guarded update returns it), so of many
 * concurrent debits exactly one crosses, and a reclassification (refund and
 * new debit in one transaction) that leaves the balance where it was is no
 * crossing; the offer is queued in that transaction, so a debit that rolls
 * back mails nothing. A second
 * offer needs the balance to rise above the threshold and cross it again.
 */
@Injectable()
export class LowBalanceOffers {
  private readonly logger = new Logger(LowBalanceOffers.name);

  constructor(
    private readonly notifications: NotificationsService,
    private readonly accounts: AccountsService,
    private readonly bundles: BundlesService,
    private readonly policy: PolicyService,
    private readonly tx: TransactionService,
  ) {}

  @OnEvent(POINTS_CHANGED, { suppressErrors: false })
  async onPointsChanged({ em, entry }: PointsChangedEvent): Promise<void> {
    const accountId = Number(entry.accountId);
    // Decided on the transaction's net change: a reclassification refunds and
    // debits again in one transaction, and 1 → 3 → 1 is not a new crossing.
    const tx = txState(this.tx.scopeOf(em), accountId, entry.balanceAfter - entry.delta);
    if (entry.delta >= 0 || tx.offered) return;
    const policy = await this.policy.get(em);
    if (!(tx.balanceBefore > policy.lowBalanceThreshold && entry.balanceAfter <= policy.lowBalanceThreshold)) return;
    tx.offered = true;

    const account = await this.accounts.mailingList(accountId, em);
    if (!account || account.status === 'closed' || account.contacts.length === 0) {
      this.logger.log(`low balance account=${accountId} balance=${entry.balanceAfter}: no open account with a contact to offer a bundle to`);
      return;
    }
    const bundles = (await this.bundles.onSale(new Date(), em)).slice(0, MAX_BUNDLES_OFFERED)
      .map((b) => ({ ...b, priceText: formatMoney(b.priceCents, b.currency) }));
    const queued = await this.notifications.enqueue(em, account.contacts.map((c) => ({
      kind: 'low_balance_offer' as const,
      accountId,
      to: c.email,
      template: 'low-balance-offer',
      subject: `${account.name}: ${pointsText(entry.balanceAfter)} of support left`,
      data: {
        accountName: account.name, contactName: c.name, balance: entry.balanceAfter, balanceText: pointsText(entry.balanceAfter),
        feeText: formatMoney(policy.perIncidentFeeCents, policy.currency), bundles, portalUrl: this.notifications.portalUrl,
      },
      dedupeKey: `low_balance:entry:${entry.id}:contact:${c.id}`,
    })));
    this.logger.log(`low balance account=${accountId} balance=${entry.balanceAfter} entry=${entry.id}: ${queued} offer(s) queued`);
  }
}
