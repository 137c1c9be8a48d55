import { Injectable } from '@nestjs/common';
import { AccountsService, AccountView } from '../accounts/accounts.service';
import { BundlesService } from '../bundles/bundles.service';
import { parseId } from '../common/database/ids';
import { IncidentTypesService } from '../incident-types/incident-types.service';
import { PointBankService } from '../point-bank/point-bank.service';
import { PolicyService } from '../policy/policy.service';
import { PurchasesService } from '../purchases/purchases.service';
import { TicketsService } from '../tickets/tickets.service';
import { UsersService } from '../users/users.service';
import { CallScript, callScript } from './call-script';
import { FieldErrors, FormBody, text } from './forms';
import { ConsoleUser } from './session/console-user';
import {
  AccountSummary, accountSummary, BalanceModel, balanceModel, bundleOffer, bundleSaleOptions, callChannelOptions, ClientUserRow, clientUserRow,
  faultOptions, incidentTypeOptions, isChannel, isFault, isPriority, Option, priorityOptions, PurchaseRow, purchaseRow, TicketRow, ticketRow,
} from './view-models';

const RECENT_TICKETS = 10;
const RECENT_PURCHASES = 10;

/** A form of the account page as typed, with its per-field messages or a refusal. */
export interface SectionForm<V> {
  values: V;
  errors: FieldErrors;
  alert?: string;
}

export interface InviteValues { name: string; email: string }
export interface SellValues { bundleId: string; quantity: string }

/** The account page's other forms, when one of them is shown again after a refusal. */
export interface AccountSectionForms {
  invite?: SectionForm<InviteValues>;
  sell?: SectionForm<SellValues>;
}

export interface ClientUsersModel {
  accountId: string;
  rows: ClientUserRow[];
  /** Managers invite client users of an open account; null for everyone else. */
  invite: SectionForm<InviteValues> | null;
}

export interface PurchasesModel {
  accountId: string;
  rows: PurchaseRow[];
  total: number;
  /** The "Sell a bundle" form with the bundles on sale; a closed account shows why nothing can be sold instead. */
  sell: SectionForm<SellValues> & { bundles: Option[]; closed: boolean };
}

/** What the agent has typed into the "Log a call" form so far. */
export interface CallValues {
  channel: string;
  incidentTypeId: string;
  fault: string;
  priority: string;
  subject: string;
  description: string;
}

export const EMPTY_CALL: CallValues = { channel: 'phone', incidentTypeId: '', fault: 'undetermined', priority: 'normal', subject: '', description: '' };

export function callValues(body: FormBody): CallValues {
  return {
    channel: text(body, 'channel'), incidentTypeId: text(body, 'incidentTypeId'), fault: text(body, 'fault'),
    priority: text(body, 'priority'), subject: text(body, 'subject'), description: text(body, 'description'),
  };
}

export interface CallFormModel {
  accountId: string;
  closed: boolean;
  values: CallValues;
  channels: Option[];
  incidentTypes: Option[];
  faults: Option[];
  priorities: Option[];
  script: CallScript;
  errors: FieldErrors;
  /** A refusal from the service (closed account, blocked shortfall…), shown in an alert. */
  alert?: string;
  /** Confirmation of the call just logged. */
  status?: string;
}

export interface AccountPageModel {
  title: string;
  account: AccountSummary;
  balance: BalanceModel;
  tickets: TicketRow[];
  ticketsTotal: number;
  callForm: CallFormModel;
  canManagePoints: boolean;
  shadowUntil: string | null;
  clientUsers: ClientUsersModel;
  purchases: PurchasesModel;
}

/**
 * Builds the account page and the pieces of it that htmx swaps (call form,
 * script line, balance, recent tickets) from the services' views. No rules
 * here: costs come from the policy via callScript.
 */
@Injectable()
export class AccountPages {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tickets: TicketsService,
    private readonly policy: PolicyService,
    private readonly types: IncidentTypesService,
    private readonly bank: PointBankService,
    private readonly bundles: BundlesService,
    private readonly users: UsersService,
    private readonly purchases: PurchasesService,
  ) {}

  async page(
    user: ConsoleUser, accountId: number, form: Partial<Pick<CallFormModel, 'values' | 'errors' | 'alert' | 'status'>> = {},
    sections: AccountSectionForms = {},
  ): Promise<AccountPageModel> {
    const [account, policy, recent] = await Promise.all([
      this.accounts.get(user.actor, accountId), this.policy.get(), this.recentTickets(user, accountId),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const closed = account.status === 'closed';
    const [clientUsers, purchases] = await Promise.all([
      this.clientUsers(user, accountId, closed, sections.invite), this.recentPurchases(user, accountId, closed, sections.sell),
    ]);
    return {
      title: account.name,
      account: accountSummary(account),
      balance: await this.balance(account),
      ...recent,
      callForm: await this.callForm(accountId, closed, form.values ?? EMPTY_CALL, account.balance, form),
      canManagePoints: user.isManager,
      shadowUntil: policy.enforceFrom && policy.enforceFrom > today ? policy.enforceFrom : null,
      clientUsers,
      purchases,
    };
  }

  /** The pieces that change after a call is logged: a fresh form with the confirmation, the balance, the ticket list. */
  async afterCall(user: ConsoleUser, accountId: number, status: string) {
    const [account, recent] = await Promise.all([this.accounts.get(user.actor, accountId), this.recentTickets(user, accountId)]);
    return {
      balance: await this.balance(account),
      ...recent,
      callForm: await this.callForm(accountId, account.status === 'closed', EMPTY_CALL, account.balance, { status }),
    };
  }

  /** The form again with what was typed, per-field messages or a refusal. */
  async rejectedCall(user: ConsoleUser, accountId: number, values: CallValues, errors: FieldErrors, alert?: string): Promise<CallFormModel> {
    const account = await this.accounts.get(user.actor, accountId);
    return this.callForm(accountId, account.status === 'closed', values, account.balance, { errors, alert });
  }

  /** The script line for the call as currently filled in (the live preview). */
  async script(accountId: number, values: Pick<CallValues, 'channel' | 'fault' | 'incidentTypeId'>, balance?: number): Promise<CallScript> {
    const typeId = parseId(values.incidentTypeId);
    const [policy, type, current] = await Promise.all([
      this.policy.get(),
      typeId === null ? null : this.types.find(typeId),
      balance ?? this.bank.balanceOf(accountId),
    ]);
    return callScript(
      policy,
      {
        channel: isChannel(values.channel) ? values.channel : 'phone',
        fault: isFault(values.fault) ? values.fault : 'undetermined',
        incidentTypeId: type?.active ? typeId : null,
      },
      type?.active ? type.points : null,
      current,
      new Date(),
    );
  }

  /** The balance panel; when the balance is low, with the bundle to offer (looked up only then). */
  private async balance(account: AccountView): Promise<BalanceModel> {
    if (!account.lowBalance) return balanceModel(account);
    const [onSale, policy] = await Promise.all([this.bundles.onSale(), this.policy.get()]);
    return balanceModel(account, bundleOffer(onSale, policy));
  }

  private async callForm(
    accountId: number, closed: boolean, values: CallValues, balance: number, extra: Partial<Pick<CallFormModel, 'errors' | 'alert' | 'status'>>,
  ): Promise<CallFormModel> {
    const [types, script] = await Promise.all([this.types.list(), this.script(accountId, values, balance)]);
    return {
      accountId: String(accountId),
      closed,
      values,
      channels: callChannelOptions(values.channel),
      incidentTypes: incidentTypeOptions(types.filter((t) => t.active), values.incidentTypeId),
      faults: faultOptions(isFault(values.fault) ? values.fault : 'undetermined'),
      priorities: priorityOptions(isPriority(values.priority) ? values.priority : 'normal'),
      script,
      errors: extra.errors ?? {},
      alert: extra.alert,
      status: extra.status,
    };
  }

  /** The account's client users; managers also get the invitation form (not for a closed account). */
  private async clientUsers(user: ConsoleUser, accountId: number, closed: boolean, invite?: SectionForm<InviteValues>): Promise<ClientUsersModel> {
    const rows = (await this.users.listClientsOf(accountId)).map((u) => clientUserRow(u));
    return {
      accountId: String(accountId),
      rows,
      invite: user.isManager && !closed ? invite ?? { values: { name: '', email: '' }, errors: {} } : null,
    };
  }

  /** The most recent purchases, and the "Sell a bundle" form with the bundles on sale today. */
  private async recentPurchases(user: ConsoleUser, accountId: number, closed: boolean, sell?: SectionForm<SellValues>): Promise<PurchasesModel> {
    const [page, onSale] = await Promise.all([
      this.purchases.listForAccount(user.actor, accountId, RECENT_PURCHASES, 0), closed ? [] : this.bundles.onSale(),
    ]);
    const form = sell ?? { values: { bundleId: '', quantity: '1' }, errors: {} };
    return {
      accountId: String(accountId),
      rows: page.items.map(purchaseRow),
      total: page.total,
      sell: { ...form, bundles: bundleSaleOptions(onSale, form.values.bundleId), closed },
    };
  }

  private async recentTickets(user: ConsoleUser, accountId: number): Promise<{ tickets: TicketRow[]; ticketsTotal: number }> {
    const [page, types, policy] = await Promise.all([
      this.tickets.list(user.actor, { accountId, limit: RECENT_TICKETS, offset: 0 }), this.types.list(), this.policy.get(),
    ]);
    const names = new Map(types.map((t) => [t.id, t.name]));
    return { tickets: page.items.map((t) => ticketRow(t, names, policy.currency)), ticketsTotal: page.total };
  }
}
