import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccountsService } from '../accounts/accounts.service';
import { BundlesService } from '../bundles/bundles.service';
import { formatMoney } from '../common/money';
import { POINTS_CHANGED, PointsChangedEvent } from '../point-bank/points-changed.event';
import { PolicyService } from '../policy/policy.service';
import { NotificationsService } from './notifications.service';

const pointsText = (n: number) => `${n} ${Math.abs(n) === 1 ? 'point' : 'points'}`;

/**
 * The low-balance upsell: when an entry takes a balance from above
 * lowBalanceThreshold to at or below it, every contact of the account gets
 * one `low_balance_offer` naming the bundles on sale. The crossing is decided
 * per entry from its own balanceAfter (the guarded update returns it), so of
 * many concurrent debits exactly one crosses; the offer is queued in that
 * entry's transaction, so a debit that rolls back mails nothing. A second
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
  ) {}

  @OnEvent(POINTS_CHANGED, { suppressErrors: false })
  async onPointsChanged({ em, entry }: PointsChangedEvent): Promise<void> {
    if (entry.delta >= 0) return;
    const policy = await this.policy.get(em);
    const before = entry.balanceAfter - entry.delta;
    if (!(before > policy.lowBalanceThreshold && entry.balanceAfter <= policy.lowBalanceThreshold)) return;

    const accountId = Number(entry.accountId);
    const account = await this.accounts.mailingList(accountId, em);
    if (!account || account.contacts.length === 0) {
      this.logger.log(`low balance account=${accountId} balance=${entry.balanceAfter}: no contact to offer a bundle to`);
      return;
    }
    const bundles = (await this.bundles.onSale(new Date(), em)).map((b) => ({ ...b, priceText: formatMoney(b.priceCents, b.currency) }));
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
