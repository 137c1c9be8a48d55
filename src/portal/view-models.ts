import { AccountView } from '../accounts/accounts.service';
import { DomainError } from '../common/errors/domain-error';
import { PolicyStatus } from '../accounts/account.entity';
import { BundleView } from '../bundles/bundles.service';
import { chargeText, CHANNEL_LABELS, formatDateTime, formatMoney, points } from '../console/format';
import { FieldErrors } from '../console/forms';
import { Policy } from '../policy/policy.types';
import { PaymentMethod, PurchaseStatus } from '../purchases/purchase.entity';
import { NOT_APPLIED_NOTE } from '../purchases/dto/purchase.view';
import { PaymentView, PurchaseView } from '../purchases/purchases.service';
import { TicketView } from '../tickets/tickets.service';

/** Display words and view models for the client portal: the client's own wording of what the console shows staff. */

/** Which navigation link is the current page. */
export type PortalNav = 'overview' | 'bundles' | 'purchases' | 'tickets';

export const CLIENT_POLICY_STATUS: Record<PolicyStatus, string> = {
  legacy: 'Not yet on the new support terms',
  notified: 'New support terms announced — waiting for you to accept them',
  enrolled: 'Enrolled — you are on the new support terms',
};

export interface AccountModel {
  name: string;
  favoured: boolean;
  closed: boolean;
  policyStatus: PolicyStatus;
  policyStatusText: string;
  enrolled: boolean;
}

export function accountModel(a: AccountView): AccountModel {
  return {
    name: a.name, favoured: a.favoured, closed: a.status === 'closed', policyStatus: a.policyStatus,
    policyStatusText: CLIENT_POLICY_STATUS[a.policyStatus], enrolled: a.policyStatus === 'enrolled',
  };
}

/** The low-balance banner: the cheapest bundle on sale and its price, or what happens without points. */
export interface LowBalanceBanner {
  text: string;
  /** Set when there is a bundle to buy. */
  bundle: { name: string; points: string; price: string } | null;
}

/** onSale lists bundles cheapest first (BundlesService.onSale). */
export function lowBalanceBanner(onSale: BundleView[], policy: Pick<Policy, 'onShortfall' | 'perIncidentFeeCents' | 'currency'>): LowBalanceBanner {
  const best = onSale[0];
  if (best) {
    return {
      text: `Your balance is low. ${best.name} gives you ${points(best.points)} for ${formatMoney(best.priceCents, best.currency)} — our best-priced bundle on sale.`,
      bundle: { name: best.name, points: points(best.points), price: formatMoney(best.priceCents, best.currency) },
    };
  }
  const without = policy.onShortfall === 'block'
    ? 'phone incidents your points cannot cover cannot be logged'
    : `phone incidents your points cannot cover are billed per incident (${formatMoney(policy.perIncidentFeeCents, policy.currency)})`;
  return { text: `Your balance is low; ${without}. No bundle is on sale today.`, bundle: null };
}

/** One page of a list, with the links to the newer and older pages. */
export interface Pager {
  from: number;
  to: number;
  total: number;
  /** Offsets of the neighbouring pages; has* say whether there is one (an offset of 0 is a page too). */
  hasNewer: boolean;
  newerOffset: number;
  hasOlder: boolean;
  olderOffset: number;
}

export function pager(offset: number, shown: number, total: number, limit: number): Pager {
  return {
    from: shown === 0 ? 0 : offset + 1, to: offset + shown, total,
    hasNewer: offset > 0, newerOffset: Math.max(0, offset - limit),
    hasOlder: offset + shown < total, olderOffset: offset + limit,
  };
}

/** A page offset from the query string: a whole number, else the first page. */
export function offsetParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

export interface TicketRow {
  id: string;
  reference: string;
  subject: string;
  channel: string;
  status: 'open' | 'resolved';
  statusText: string;
  charge: string;
  createdAt: string;
  resolvedAt: string;
  description: string | null;
  resolution: string | null;
}

export function ticketRow(t: TicketView, currency: string): TicketRow {
  return {
    id: t.id, reference: t.reference, subject: t.subject, channel: CHANNEL_LABELS[t.channel], status: t.status,
    statusText: t.status === 'open' ? 'Open' : 'Resolved', charge: chargeText(t.charge, currency), createdAt: formatDateTime(t.createdAt),
    resolvedAt: formatDateTime(t.resolvedAt), description: t.description, resolution: t.resolution,
  };
}

/** What the client typed into "Open a ticket", with the messages next to each field. */
export interface TicketFormModel {
  values: { subject: string; description: string };
  errors: FieldErrors;
  alert?: string;
}

export const EMPTY_TICKET_FORM: TicketFormModel = { values: { subject: '', description: '' }, errors: {} };

/** A service's refusal in the client's words where the service's own message is meant for developers. */
export function refusalText(err: DomainError): string {
  if (err.code === 'ACCOUNT_CLOSED') return 'Your account is closed, so this cannot be done here. Please contact us.';
  return sentence(err.message);
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A bundle on sale as the "Buy points" page shows it, with its quantity field. */
export interface BundleCard {
  id: string;
  name: string;
  pointsText: string;
  split: string;
  priceCents: number;
  currency: string;
  quantity: string;
  error?: string;
}

export function bundleCard(b: BundleView, form?: { bundleId: string; quantity: string; error?: string }): BundleCard {
  const mine = form?.bundleId === b.id;
  return {
    id: b.id, name: b.name, pointsText: points(b.points), split: `${b.paidIncidents} paid + ${b.bonusIncidents} bonus`,
    priceCents: b.priceCents, currency: b.currency, quantity: mine ? form.quantity : '1', error: mine ? form.error : undefined,
  };
}

const PURCHASE_STATUS_TEXT: Record<PurchaseStatus, string> = { pending: 'Awaiting payment', paid: 'Paid', cancelled: 'Cancelled' };
const PAYMENT_METHOD_TEXT: Record<PaymentMethod, string> = { card: 'Card', bank_transfer: 'Bank transfer', cash: 'Cash', check: 'Check', other: 'Other' };

export interface PurchaseRow {
  id: string;
  invoiceNumber: string;
  description: string;
  pointsText: string;
  amount: string;
  paid: string;
  balanceDue: string;
  status: PurchaseStatus;
  statusText: string;
  createdAt: string;
  paidAt: string;
  cancelledAt: string;
  pending: boolean;
  /** A client may cancel only while nothing has been paid (the service decides; this only hides the button). */
  cancellable: boolean;
}

export function purchaseRow(p: PurchaseView): PurchaseRow {
  const status = p.status as PurchaseStatus;
  return {
    id: p.id, invoiceNumber: p.invoiceNumber, description: `${p.description} × ${p.quantity}`, pointsText: points(p.points),
    amount: formatMoney(p.amountCents, p.currency), paid: formatMoney(p.paidCents, p.currency), balanceDue: formatMoney(p.balanceDueCents, p.currency),
    status, statusText: PURCHASE_STATUS_TEXT[status] ?? p.status, createdAt: formatDateTime(p.createdAt), paidAt: formatDateTime(p.paidAt),
    cancelledAt: formatDateTime(p.cancelledAt), pending: status === 'pending', cancellable: status === 'pending' && p.paidCents === 0,
  };
}

export interface PaymentRow {
  createdAt: string;
  amount: string;
  method: string;
  reference: string;
}

export function paymentRow(p: PaymentView, currency: string): PaymentRow {
  return {
    createdAt: formatDateTime(p.createdAt), amount: `${formatMoney(p.amountCents, currency)}${p.applied ? '' : NOT_APPLIED_NOTE}`,
    method: PAYMENT_METHOD_TEXT[p.method as PaymentMethod] ?? p.method, reference: p.reference ?? '',
  };
}

/** What the purchase page says after Stripe Checkout sends the client back (?card=paid|cancelled). */
export function cardReturnNote(raw: unknown, pending: boolean): string | null {
  if (raw === 'paid') {
    return pending
      ? 'Thank you. Your card payment is being confirmed; the points are added to your balance as soon as it has arrived.'
      : 'Thank you. Your card payment has arrived.';
  }
  if (raw === 'cancelled') return 'The card payment was cancelled; nothing was charged.';
  return null;
}
