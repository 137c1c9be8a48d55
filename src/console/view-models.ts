import { AccountView } from '../accounts/accounts.service';
import { IncidentTypeView } from '../incident-types/incident-types.service';
import { LedgerEntryView } from '../point-bank/point-bank.service';
import { Channel, CHANNELS } from '../policy/policy.types';
import { Fault, FAULTS, Priority, PRIORITIES } from '../tickets/ticket.entity';
import { TicketView } from '../tickets/tickets.service';
import {
  CHANNEL_LABELS, chargeText, FAULT_LABELS, formatDateTime, LEDGER_KIND_LABELS, points, POLICY_STATUS_LABELS, PRIORITY_LABELS, signedPoints,
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

/** The balance panel of an account (swapped in place after a call is logged). */
export interface BalanceModel {
  accountId: string;
  balance: number;
  lowBalance: boolean;
}

export const balanceModel = (a: AccountView): BalanceModel => ({ accountId: a.id, balance: a.balance, lowBalance: a.lowBalance });

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
