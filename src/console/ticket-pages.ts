import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { IncidentTypesService } from '../incident-types/incident-types.service';
import { PolicyService } from '../policy/policy.service';
import { TicketsService } from '../tickets/tickets.service';
import { CHANNEL_LABELS, chargeText, FAULT_LABELS, formatDateTime, PRIORITY_LABELS } from './format';
import { FieldErrors } from './forms';
import { ConsoleUser } from './session/console-user';
import { EntryRow, entryRow, faultOptions, incidentTypeOptions, Option } from './view-models';

export interface FormState<V> {
  values: V;
  errors: FieldErrors;
  alert?: string;
}

export interface TicketPageModel {
  title: string;
  ticket: {
    id: string; reference: string; subject: string; description: string | null; channel: string; priority: string; fault: string;
    incidentType: string; resolved: boolean; charge: string; createdAt: string; resolvedAt: string; resolution: string | null;
  };
  account: { id: string; name: string; balance: number };
  entries: EntryRow[];
  /** Why this user may not reclassify (a resolved ticket needs a manager), or null. */
  classifyLocked: string | null;
  classify: { faults: Option[]; incidentTypes: Option[]; noTypeYet: boolean; errors: FieldErrors; alert?: string };
  resolve: FormState<{ resolution: string }> | null;
}

export interface TicketForms {
  classify?: FormState<{ fault: string; incidentTypeId: string }>;
  resolve?: FormState<{ resolution: string }>;
}

/** Builds the ticket page from the services' views. */
@Injectable()
export class TicketPages {
  constructor(
    private readonly tickets: TicketsService,
    private readonly accounts: AccountsService,
    private readonly types: IncidentTypesService,
    private readonly policy: PolicyService,
  ) {}

  async page(user: ConsoleUser, id: number, forms: TicketForms = {}): Promise<TicketPageModel> {
    const t = await this.tickets.get(user.actor, id);
    const [account, entries, types, policy] = await Promise.all([
      this.accounts.get(user.actor, Number(t.accountId)), this.tickets.entries(user.actor, id), this.types.list(), this.policy.get(),
    ]);
    const resolved = t.status === 'resolved';
    const current = forms.classify?.values ?? { fault: t.fault, incidentTypeId: t.incidentTypeId ?? '' };
    // New choices are active types; the ticket's own type stays listed even if it was retired since.
    const typeChoices = types.filter((x) => x.active || x.id === t.incidentTypeId);
    return {
      title: `${t.reference}: ${t.subject}`,
      ticket: {
        id: t.id, reference: t.reference, subject: t.subject, description: t.description, channel: CHANNEL_LABELS[t.channel],
        priority: PRIORITY_LABELS[t.priority], fault: FAULT_LABELS[t.fault],
        incidentType: types.find((x) => x.id === t.incidentTypeId)?.name ?? 'Not set', resolved,
        charge: chargeText(t.charge, policy.currency), createdAt: formatDateTime(t.createdAt), resolvedAt: formatDateTime(t.resolvedAt),
        resolution: t.resolution,
      },
      account: { id: account.id, name: account.name, balance: account.balance },
      entries: entries.map(entryRow),
      classifyLocked: resolved && !user.isManager
        ? 'This ticket is resolved, so only a manager can change its classification (and with it the charge). Ask a manager if it needs correcting.'
        : null,
      classify: {
        faults: faultOptions(current.fault),
        incidentTypes: incidentTypeOptions(typeChoices, current.incidentTypeId),
        noTypeYet: t.incidentTypeId === null,
        errors: forms.classify?.errors ?? {},
        alert: forms.classify?.alert,
      },
      resolve: resolved ? null : forms.resolve ?? { values: { resolution: '' }, errors: {} },
    };
  }
}
