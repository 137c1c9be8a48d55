import { formatMoney } from '../common/money';
import { PolicyStatus } from '../accounts/account.entity';
import { NotificationKind, NotificationStatus } from '../notifications/notification.entity';
import { LedgerKind } from '../point-bank/ledger-entry.entity';
import { PaymentMethod, PurchaseStatus } from '../purchases/purchase.entity';
import { Channel } from '../policy/policy.types';
import { ChargeKind, Fault, Priority } from '../tickets/ticket.entity';

/** Display words for the console. Pure functions; also registered as template helpers. */

export function points(n: number): string {
  return `${n} ${Math.abs(n) === 1 ? 'point' : 'points'}`;
}

export function signedPoints(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${points(Math.abs(n))}`;
}

export { formatMoney };

/** "2026-11-22 14:05 UTC": unambiguous for staff in any time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const CHANNEL_LABELS: Record<Channel, string> = { phone: 'Phone', email: 'Email', portal: 'Portal' };
export const FAULT_LABELS: Record<Fault, string> = { undetermined: 'Not yet known', client: 'Client caused', provider: 'Provider fault (ours)' };
export const PRIORITY_LABELS: Record<Priority, string> = { normal: 'Normal', priority: 'Priority', emergency: 'Emergency' };
export const POLICY_STATUS_LABELS: Record<PolicyStatus, string> = {
  legacy: 'Legacy — not yet told about the point bank',
  notified: 'Notified — has received the announcement letter',
  enrolled: 'Enrolled — on the point bank terms',
};
export const LEDGER_KIND_LABELS: Record<LedgerKind, string> = {
  grant: 'Grant', purchase: 'Purchase', incident: 'Incident', refund: 'Refund', bonus: 'Goodwill bonus', reversal: 'Bonus reversed', adjustment: 'Adjustment',
};

/** A ticket's charge as one phrase: "1 point", "Billed per incident ($75.00)", … */
export function chargeText(charge: { kind: ChargeKind; points: number; feeCents: number }, currency: string): string {
  switch (charge.kind) {
    case 'points': return `${points(charge.points)} debited`;
    case 'fee': return `Billed per incident (${formatMoney(charge.feeCents, currency)})`;
    case 'waived': return `Would cost ${points(charge.points)} — not charged (before enforcement)`;
    case 'none': return 'No charge';
  }
}

/** What a change did to the balance, for a confirmation message. */
export function movementText(delta: number): string {
  if (delta < 0) return `${points(-delta)} debited`;
  if (delta > 0) return `${points(delta)} credited to the account`;
  return 'no points moved';
}

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  low_balance_offer: 'Low-balance offer', purchase_receipt: 'Purchase receipt', letter: 'Letter', invitation: 'Invitation',
};
export const NOTIFICATION_STATUS_LABELS: Record<NotificationStatus, string> = { pending: 'Pending', sent: 'Sent', failed: 'Failed' };

/** A bundle's sale window in words: "Always", "From 2026-12-01", "Until 2026-12-31", "2026-12-01 to 2026-12-31". */
export function saleWindowText(from: string | null, until: string | null): string {
  if (from && until) return `${from} to ${until}`;
  if (from) return `From ${from}`;
  if (until) return `Until ${until}`;
  return 'Always';
}

export const PURCHASE_STATUS_LABELS: Record<PurchaseStatus, string> = { pending: 'Pending payment', paid: 'Paid', cancelled: 'Cancelled' };
export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  card: 'Card', bank_transfer: 'Bank transfer', cash: 'Cash', check: 'Check', other: 'Other',
};

/**
 * The confirmation after a payment is recorded: "Payment of $375.00 recorded.
 * Purchase paid: 6 points added." or "Payment of $250.00 recorded. $125.00 still due."
 */
export function paymentOutcomeText(
  amountCents: number,
  after: { status: string; points: number; balanceDueCents: number; currency: string },
): string {
  const paid = `Payment of ${formatMoney(amountCents, after.currency)} recorded.`;
  if (after.status === 'paid') return `${paid} Purchase paid: ${points(after.points)} added.`;
  return `${paid} ${formatMoney(after.balanceDueCents, after.currency)} still due.`;
}
