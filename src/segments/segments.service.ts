import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountsService, AudienceFilter } from '../accounts/accounts.service';
import { TicketsService } from '../tickets/tickets.service';
import { SegmentSummaryView } from './dto/segment.view';

/** A segment's filter, as stored with a letter or a bulk grant. */
export interface Audience {
  favoured?: boolean;
  customerSinceBefore?: string;
  minIncidents?: number;
  incidentWindowDays?: number;
}

export const DEFAULT_INCIDENT_WINDOW_DAYS = 90;
const SAMPLE_SIZE = 20;

/**
 * Segments: saved filters over active accounts (favoured, customer since
 * before a date, at least N tickets in the last D days). The filter is
 * evaluated by the accounts module, with the heavy-callers condition from
 * the tickets module, so neither module's tables are read from here.
 */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tickets: TicketsService,
  ) {}

  /** The filter as stored: only the conditions that select something, in a fixed shape. */
  static normalise(a: Audience): Audience {
    const out: Audience = {};
    if (a.favoured !== undefined && a.favoured !== null) out.favoured = a.favoured;
    if (a.customerSinceBefore) out.customerSinceBefore = a.customerSinceBefore;
    if (a.minIncidents) {
      out.minIncidents = a.minIncidents;
      out.incidentWindowDays = a.incidentWindowDays ?? DEFAULT_INCIDENT_WINDOW_DAYS;
    }
    return out;
  }

  /** "favoured accounts, customers since before 2020-01-01, with at least 5 tickets in the last 90 days". */
  static describe(a: Audience): string {
    const parts: string[] = [];
    if (a.favoured === true) parts.push('favoured accounts');
    else if (a.favoured === false) parts.push('accounts that are not favoured');
    else parts.push('all active accounts');
    if (a.customerSinceBefore) parts.push(`customers since before ${a.customerSinceBefore}`);
    if (a.minIncidents) parts.push(`with at least ${a.minIncidents} ${a.minIncidents === 1 ? 'ticket' : 'tickets'} in the last ${a.incidentWindowDays ?? DEFAULT_INCIDENT_WINDOW_DAYS} days`);
    return parts.join(', ');
  }

  /** The segment's account ids now, in id order. */
  members(a: Audience, em?: EntityManager): Promise<number[]> {
    return this.accounts.audienceIds(this.filter(a), em);
  }

  /** Whether one account is in the segment now. */
  async includes(a: Audience, accountId: number): Promise<boolean> {
    const filter = this.filter(a);
    const own = { sql: 'a.id = :memberId', params: { memberId: accountId } };
    const idCondition = filter.idCondition
      ? { sql: `${own.sql} AND ${filter.idCondition.sql}`, params: { ...own.params, ...filter.idCondition.params } }
      : own;
    return (await this.accounts.audienceIds({ ...filter, idCondition })).length === 1;
  }

  /** Who is in the segment and what granting `pointsPerAccount` to each would cost, before anything happens. */
  async summarize(a: Audience, pointsPerAccount: number): Promise<SegmentSummaryView> {
    const s = await this.accounts.audienceSummary(this.filter(a), SAMPLE_SIZE);
    return {
      accounts: s.accounts, emails: s.contacts, accountsWithoutContacts: s.withoutContacts,
      pointsPerAccount, points: s.accounts * pointsPerAccount, sample: s.first,
    };
  }

  private filter(a: Audience): AudienceFilter {
    const n = SegmentsService.normalise(a);
    return {
      favoured: n.favoured,
      customerSinceBefore: n.customerSinceBefore,
      idCondition: n.minIncidents ? this.tickets.callersCondition('a.id', n.minIncidents, n.incidentWindowDays!) : undefined,
    };
  }
}
