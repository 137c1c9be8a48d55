import { AccountView } from '../accounts/accounts.service';
import { AudienceDto } from '../segments/dto/audience.dto';
import { SegmentSummaryView } from '../segments/dto/segment.view';
import { Audience, DEFAULT_INCIDENT_WINDOW_DAYS } from '../segments/segments.service';
import { FieldErrors, FormBody, integer, text, validateForm } from './forms';
import { Option } from './view-models';

/** The segment picker (partials/segment-fields.hbs) as typed: the letter composer and the bulk grant form share it. */
export interface SegmentValues {
  /** '' any, 'true' favoured only, 'false' not favoured. */
  favoured: string;
  customerSinceBefore: string;
  minIncidents: string;
  incidentWindowDays: string;
}

export const SEGMENT_FIELDS = ['favoured', 'customerSinceBefore', 'minIncidents', 'incidentWindowDays'] as const;

/** The element ids of the picker's fields (partials/segment-fields.hbs) under a form's prefix. */
export function segmentFieldIds(prefix: string): Record<(typeof SEGMENT_FIELDS)[number], string> {
  return { favoured: `${prefix}-favoured`, customerSinceBefore: `${prefix}-since`, minIncidents: `${prefix}-min-tickets`, incidentWindowDays: `${prefix}-window` };
}

export const EMPTY_SEGMENT: SegmentValues = { favoured: '', customerSinceBefore: '', minIncidents: '', incidentWindowDays: String(DEFAULT_INCIDENT_WINDOW_DAYS) };

const LABELS = { favoured: 'Favoured', customerSinceBefore: 'Customer since before', minIncidents: 'At least this many tickets', incidentWindowDays: 'In the last (days)' };

export function segmentValues(body: FormBody): SegmentValues {
  return {
    favoured: text(body, 'favoured'), customerSinceBefore: text(body, 'customerSinceBefore'),
    minIncidents: text(body, 'minIncidents'), incidentWindowDays: text(body, 'incidentWindowDays'),
  };
}

/** A stored audience back in the picker. */
export function segmentValuesOf(a: Audience): SegmentValues {
  return {
    favoured: a.favoured === undefined ? '' : String(a.favoured), customerSinceBefore: a.customerSinceBefore ?? '',
    minIncidents: a.minIncidents ? String(a.minIncidents) : '', incidentWindowDays: String(a.incidentWindowDays ?? DEFAULT_INCIDENT_WINDOW_DAYS),
  };
}

export function favouredOptions(current: string): Option[] {
  return [
    { value: '', label: 'Any', selected: current === '' },
    { value: 'true', label: 'Yes: favoured accounts only', selected: current === 'true' },
    { value: 'false', label: 'No: accounts that are not favoured', selected: current === 'false' },
  ];
}

/**
 * The picker checked with the API's AudienceDto: the audience, or a message
 * per field. Numbers that are not whole numbers get one plain message with
 * the allowed range rather than whichever validator rule failed first.
 */
export async function validateSegment(values: SegmentValues): Promise<{ audience: AudienceDto | null; errors: FieldErrors }> {
  const body = values as unknown as FormBody;
  const minIncidents = integer(body, 'minIncidents');
  const incidentWindowDays = integer(body, 'incidentWindowDays');
  const favoured = values.favoured === 'true' ? true : values.favoured === 'false' ? false : undefined;
  const { value, errors } = await validateForm(AudienceDto, {
    favoured, customerSinceBefore: values.customerSinceBefore || undefined, minIncidents, incidentWindowDays,
  }, LABELS);
  const all: FieldErrors = { ...errors };
  if (values.favoured !== '' && favoured === undefined) all.favoured = 'Choose Any, Yes or No';
  if (all.minIncidents) all.minIncidents = 'At least this many tickets must be a whole number from 0 to 100,000 (0 or empty: any)';
  if (all.incidentWindowDays) all.incidentWindowDays = 'In the last (days) must be a whole number from 1 to 3,660';
  return Object.keys(all).length > 0 ? { audience: null, errors: all } : { audience: value, errors: {} };
}

/** 2060 → "2,060"; counts shown to people. */
export function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export interface SampleAccount {
  id: string;
  name: string;
  favoured: boolean;
  balance: number;
  customerSince: string | null;
  /** "2 contacts", "no contact". */
  contactsText: string;
}

/** Who a segment holds, for the preview beside a form. */
export interface SegmentSummaryModel {
  /** "412 accounts, 631 emails, 824 points" (the caller says which parts). */
  headline: string;
  accounts: number;
  empty: boolean;
  /** "3 of them have no contact …", or null. */
  withoutContacts: string | null;
  sample: SampleAccount[];
  /** "and 392 more" when the sample is not the whole segment. */
  more: string | null;
}

export function sampleAccount(a: AccountView): SampleAccount {
  const n = a.contacts.length;
  return { id: a.id, name: a.name, favoured: a.favoured, balance: a.balance, customerSince: a.customerSince, contactsText: n === 0 ? 'no contact' : count(n, 'contact', 'contacts') };
}

export function segmentSummary(s: SegmentSummaryView, parts: { emails: boolean; points: boolean }, noContactNote: string): SegmentSummaryModel {
  const headline = [
    count(s.accounts, 'account', 'accounts'),
    ...(parts.emails ? [count(s.emails, 'email', 'emails')] : []),
    ...(parts.points ? [count(s.points, 'point', 'points')] : []),
  ].join(', ');
  return {
    headline,
    accounts: s.accounts,
    empty: s.accounts === 0,
    withoutContacts: s.accountsWithoutContacts > 0
      ? `${s.accountsWithoutContacts === 1 ? '1 of them has' : `${s.accountsWithoutContacts.toLocaleString('en-US')} of them have`} no contact: ${noContactNote}`
      : null,
    sample: s.sample.map(sampleAccount),
    more: s.accounts > s.sample.length ? `and ${count(s.accounts - s.sample.length, 'more account', 'more accounts')}` : null,
  };
}
