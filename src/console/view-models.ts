import { AccountView } from '../accounts/accounts.service';
import { BundleView, utcDay } from '../bundles/bundles.service';
import { IncidentTypeView } from '../incident-types/incident-types.service';
import { NotificationView } from '../notifications/notifications.service';
import { LedgerEntryView } from '../point-bank/point-bank.service';
import { Channel, CHANNELS, Policy } from '../policy/policy.types';
import { NOT_APPLIED_NOTE, PurchaseDetailView, PurchaseView } from '../purchases/dto/purchase.view';
import { PAYMENT_METHODS, PaymentMethod, PurchaseStatus } from '../purchases/purchase.entity';
import { Fault, FAULTS, Priority, PRIORITIES } from '../tickets/ticket.entity';
import { TicketView } from '../tickets/tickets.service';
import { ClientUserView } from '../users/users.service';
import {
  CHANNEL_LABELS, chargeText, FAULT_LABELS, formatDateTime, formatMoney, LEDGER_KIND_LABELS, NOTIFICATION_KIND_LABELS, NOTIFICATION_STATUS_LABELS,
  PAYMENT_METHOD_LABELS, points, POLICY_STATUS_LABELS, PRIORITY_LABELS, PURCHASE_STATUS_LABELS, saleWindowText, signedPoints,
} from './format';

/** An <option>: value, visible text and whether it is the current choice. */
export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

export function options<T extends string>(values: readonly T[], labels: Record<T, string>, current: string | undefined | null): Option[] {
  return values.map((v) => ({ value: v, label: labels[v], selected: v === current }));
}

/** Incident types as options, "(N points)" included so the agent sees the cost while choosing. */
export function incidentTypeOptions(types: IncidentTypeView[], current: string | null | undefined): Option[] {
  return types.map((t) => ({ value: t.id, label: `${t.name} (${points(t.points)})${t.active ? '' : ' — inactive'}`, selected: t.id === current }));
}

/** Agents log phone and email calls; portal tickets are opened by clients themselves. */
export const callChannelOptions = (current?: string) => options(['phone', 'email'] as const, CHANNEL_LABELS, current);
export const faultOptions = (current?: string) => options(FAULTS, FAULT_LABELS, current);
export const priorityOptions = (current?: string) => options(PRIORITIES, PRIORITY_LABELS, current);

export const isChannel = (v: unknown): v is Channel => CHANNELS.includes(v as Channel);
export const isFault = (v: unknown): v is Fault => FAULTS.includes(v as Fault);
export const isPriority = (v: unknown): v is Priority => PRIORITIES.includes(v as Priority);

/** What the low-balance banner tells the agent to offer. */
export interface BundleOffer {
  headline: string;
  detail: string;
}

/** The balance panel of an account (swapped in place after a call is logged). */
export interface BalanceModel {
  accountId: string;
  balance: number;
  lowBalance: boolean;
  /** Only when the balance is low. */
  offer: BundleOffer | null;
}

/**
 * The bundle to offer on a low balance: the cheapest on sale today (onSale
 * lists them cheapest first), or a plain "none on sale" with what happens to
 * calls the balance cannot cover.
 */
export function bundleOffer(onSale: BundleView[], policy: Pick<Policy, 'onShortfall' | 'perIncidentFeeCents' | 'currency'>): BundleOffer {
  const [best, ...others] = onSale;
  if (!best) {
    return {
      headline: 'Low balance — no bundle is on sale today, so there is none to offer.',
      detail: policy.onShortfall === 'block'
        ? 'Calls the balance cannot cover are refused.'
        : `Calls the balance cannot cover are billed per incident (${formatMoney(policy.perIncidentFeeCents, policy.currency)}).`,
    };
  }
  const more = others.length === 0 ? '' : ` ${others.length} other ${others.length === 1 ? 'bundle is' : 'bundles are'} on sale too.`;
  return {
    headline: `Low balance — offer ${best.name}: ${points(best.points)} for ${formatMoney(best.priceCents, best.currency)}`,
    detail: `${best.paidIncidents} paid + ${best.bonusIncidents} bonus; the cheapest bundle on sale today.${more}`,
  };
}

export const balanceModel = (a: AccountView, offer: BundleOffer | null = null): BalanceModel => ({
  accountId: a.id, balance: a.balance, lowBalance: a.lowBalance, offer: a.lowBalance ? offer : null,
});

export interface AccountSummary {
  id: string;
  name: string;
  favoured: boolean;
  closed: boolean;
  closeReason: string | null;
  customerSince: string | null;
  policyStatus: string;
  balance: number;
  lowBalance: boolean;
  contacts: AccountView['contacts'];
  firstContact: AccountView['contacts'][number] | null;
}

export function accountSummary(a: AccountView): AccountSummary {
  return {
    id: a.id, name: a.name, favoured: a.favoured, closed: a.status === 'closed', closeReason: a.closeReason,
    customerSince: a.customerSince, policyStatus: POLICY_STATUS_LABELS[a.policyStatus], balance: a.balance,
    lowBalance: a.lowBalance, contacts: a.contacts, firstContact: a.contacts[0] ?? null,
  };
}

export interface TicketRow {
  id: string;
  reference: string;
  subject: string;
  channel: string;
  priority: string;
  fault: string;
  incidentType: string;
  status: 'open' | 'resolved';
  charge: string;
  createdAt: string;
}

export function ticketRow(t: TicketView, typeNames: Map<string, string>, currency: string): TicketRow {
  return {
    id: t.id, reference: t.reference, subject: t.subject, channel: CHANNEL_LABELS[t.channel], priority: PRIORITY_LABELS[t.priority],
    fault: FAULT_LABELS[t.fault], incidentType: t.incidentTypeId ? typeNames.get(t.incidentTypeId) ?? `#${t.incidentTypeId}` : '—',
    status: t.status, charge: chargeText(t.charge, currency), createdAt: formatDateTime(t.createdAt),
  };
}

export interface EntryRow {
  createdAt: string;
  kind: string;
  change: string;
  balanceAfter: string;
  reason: string;
}

export function entryRow(e: LedgerEntryView): EntryRow {
  return { createdAt: formatDateTime(e.createdAt), kind: LEDGER_KIND_LABELS[e.kind], change: signedPoints(e.delta), balanceAfter: points(e.balanceAfter), reason: e.reason };
}

export type BundleState = 'on-sale' | 'inactive' | 'outside';

export interface BundleRow {
  id: string;
  code: string;
  name: string;
  /** "6 points (5 paid + 1 bonus)"; not `points`, which templates would read as the helper of that name. */
  pointsText: string;
  price: string;
  saleWindow: string;
  active: boolean;
  state: BundleState;
  status: string;
}

/** A bundle as a row of the Bundles page: points as paid + bonus, price, sale window and whether it can be bought today. */
export function bundleRow(b: BundleView, today = utcDay()): BundleRow {
  let state: BundleState = 'on-sale';
  let status = 'On sale';
  if (!b.active) {
    state = 'inactive';
    status = 'Inactive';
  } else if (!b.onSale) {
    state = 'outside';
    status = b.availableFrom && b.availableFrom > today ? `Outside sale window (starts ${b.availableFrom})` : `Outside sale window (ended ${b.availableUntil})`;
  }
  return {
    id: b.id, code: b.code, name: b.name, pointsText: `${points(b.points)} (${b.paidIncidents} paid + ${b.bonusIncidents} bonus)`,
    price: formatMoney(b.priceCents, b.currency), saleWindow: saleWindowText(b.availableFrom, b.availableUntil), active: b.active, state, status,
  };
}

export interface NotificationRow {
  id: string;
  createdAt: string;
  to: string;
  subject: string;
  kind: string;
  accountId: string | null;
  status: NotificationView['status'];
  statusLabel: string;
  attempts: number;
}

export function notificationRow(n: NotificationView): NotificationRow {
  return {
    id: n.id, createdAt: formatDateTime(n.createdAt), to: n.to, subject: n.subject, kind: NOTIFICATION_KIND_LABELS[n.kind] ?? n.kind,
    accountId: n.accountId, status: n.status, statusLabel: NOTIFICATION_STATUS_LABELS[n.status] ?? n.status, attempts: n.attempts,
  };
}

export interface ClientUserRow {
  id: string;
  name: string;
  email: string;
  /** "Active", "Invitation pending (link works until …)" or "Invitation expired (…)". */
  status: string;
  state: 'active' | 'pending' | 'expired';
}

/** A client user of an account as the account page lists it, with where their invitation stands. */
export function clientUserRow(u: ClientUserView, now = new Date()): ClientUserRow {
  let state: ClientUserRow['state'] = 'active';
  let status = 'Can sign in to the portal';
  if (u.invitationPending) {
    const expired = !!u.invitationExpiresAt && new Date(u.invitationExpiresAt) <= now;
    state = expired ? 'expired' : 'pending';
    status = expired
      ? `Invitation expired ${formatDateTime(u.invitationExpiresAt)}; invite again for a new link`
      : `Invitation pending; the link works until ${formatDateTime(u.invitationExpiresAt)}`;
  }
  return { id: u.id, name: u.name, email: u.email, status, state };
}

export interface PurchaseRow {
  id: string;
  invoiceNumber: string;
  description: string;
  quantity: number;
  /** "6 points"; not `points`, which templates would read as the helper of that name. */
  pointsText: string;
  amount: string;
  paid: string;
  due: string;
  status: PurchaseStatus;
  statusLabel: string;
  /** The badge style: pending (amber), paid (green), cancelled (grey). */
  badge: 'pending' | 'sent' | 'inactive';
  pending: boolean;
  createdAt: string;
  paidAt: string;
  cancelledAt: string;
}

export function purchaseRow(p: PurchaseView): PurchaseRow {
  return {
    id: p.id, invoiceNumber: p.invoiceNumber, description: p.description, quantity: p.quantity, pointsText: points(p.points),
    amount: formatMoney(p.amountCents, p.currency), paid: formatMoney(p.paidCents, p.currency), due: formatMoney(p.balanceDueCents, p.currency),
    status: p.status as PurchaseStatus, statusLabel: PURCHASE_STATUS_LABELS[p.status as PurchaseStatus] ?? p.status,
    badge: p.status === 'paid' ? 'sent' : p.status === 'cancelled' ? 'inactive' : 'pending', pending: p.status === 'pending',
    createdAt: formatDateTime(p.createdAt), paidAt: formatDateTime(p.paidAt), cancelledAt: formatDateTime(p.cancelledAt),
  };
}

export interface PaymentRow {
  createdAt: string;
  amount: string;
  method: string;
  reference: string;
  /** Recorded by staff, or taken online (card through Stripe). */
  recordedBy: string;
}

export function paymentRows(p: PurchaseDetailView): PaymentRow[] {
  return p.payments.map((x) => ({
    createdAt: formatDateTime(x.createdAt), amount: `${formatMoney(x.amountCents, p.currency)}${x.applied ? '' : NOT_APPLIED_NOTE}`,
    method: PAYMENT_METHOD_LABELS[x.method as PaymentMethod] ?? x.method, reference: x.reference ?? '',
    recordedBy: x.actorId ? 'Staff' : 'Online payment',
  }));
}

/** Bundles on sale as options of the "Sell a bundle" form: name, points and price. */
export function bundleSaleOptions(onSale: BundleView[], current: string | undefined): Option[] {
  return onSale.map((b) => ({ value: b.id, label: `${b.name} — ${points(b.points)} for ${formatMoney(b.priceCents, b.currency)}`, selected: b.id === current }));
}

/** Card payments are taken online (Stripe); a manager records the others, bank transfer first. */
export const paymentMethodOptions = (current?: string) =>
  options(['bank_transfer', 'check', 'cash', 'card', 'other'] as const satisfies readonly (typeof PAYMENT_METHODS)[number][], PAYMENT_METHOD_LABELS, current);
