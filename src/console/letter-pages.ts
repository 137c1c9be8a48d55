import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { CreateLetterDto } from '../letters/dto/letter.dto';
import { LetterRecipientView } from '../letters/dto/letter.view';
import { LetterStatus } from '../letters/letter.entity';
import { LetterError } from '../letters/letters.errors';
import { LetterInput, LetterPreview, LettersService, LetterView } from '../letters/letters.service';
import { MERGE_FIELDS, mergeFieldProblems } from '../letters/merge-fields';
import { NotificationsService } from '../notifications/notifications.service';
import { AudienceDto } from '../segments/dto/audience.dto';
import { Audience, SegmentsService } from '../segments/segments.service';
import { formatDateTime } from './format';
import { FieldErrors, FormBody, integer, text, validateForm } from './forms';
import {
  count, EMPTY_SEGMENT, favouredOptions, SEGMENT_FIELDS, segmentFieldIds, segmentSummary, SegmentSummaryModel, segmentValues, segmentValuesOf, SegmentValues, validateSegment,
} from './segment-form';
import { Option } from './view-models';

export const LETTERS = '/console/letters';
export const RECIPIENTS_PAGE_SIZE = 25;
const LIST_PAGE_SIZE = 25;
// Far beyond any real list; keeps ?page= from turning into an absurd OFFSET.
const MAX_PAGE = 1_000_000;
const MAX_GRANT = 1000;
const NO_CONTACT_NOTE = 'they get no email, though the letter still grants them its points and counts them as told.';

const LABELS = { title: 'Title', subject: 'Subject', body: 'Body', grantPoints: 'Points to grant each account' };

/** The composer's fields as typed. */
export interface LetterValues {
  title: string;
  subject: string;
  body: string;
  grantPoints: string;
  segment: SegmentValues;
}

export const EMPTY_LETTER: LetterValues = { title: '', subject: '', body: '', grantPoints: '0', segment: EMPTY_SEGMENT };

/** The element id (in the composer) of each field, for its label, its message and its live check. */
const FIELD_IDS: Record<string, string> = {
  title: 'letter-title', subject: 'letter-subject', body: 'letter-body', grantPoints: 'letter-points', ...segmentFieldIds('letter'),
};
/** The fields the live preview checks while the manager types (an empty title or subject is only reported on saving). */
const CHECKED_LIVE = ['subject', 'body', 'grantPoints', ...SEGMENT_FIELDS];

const MERGE_FIELD_HELP: Record<string, string> = {
  'account.name': "the account's name",
  'contact.name': 'the name of the contact the email goes to (one email per contact)',
  balance: "the account's points before the letter's grant",
  grantPoints: 'the points this letter grants each account',
  balanceAfterGrant: 'the balance once the grant is added',
};

export const MERGE_FIELD_LIST = MERGE_FIELDS.map((f) => ({ field: `{{${f}}}`, help: MERGE_FIELD_HELP[f] ?? '' }));

const STATUS_LABELS: Record<LetterStatus, string> = { draft: 'Draft', approved: 'Approved, not sent', sending: 'Sending', sent: 'Sent' };
const STATUS_BADGES: Record<LetterStatus, string> = { draft: 'inactive', approved: 'open', sending: 'pending', sent: 'sent' };
const RECIPIENT_LABELS: Record<LetterRecipientView['status'], string> = { pending: 'Waiting', done: 'Done', skipped: 'Skipped (closed)' };
const RECIPIENT_BADGES: Record<LetterRecipientView['status'], string> = { pending: 'pending', done: 'sent', skipped: 'inactive' };

export function letterValues(body: FormBody): LetterValues {
  return {
    title: text(body, 'title'), subject: text(body, 'subject'),
    // Browsers send a textarea's line breaks as CRLF; the letter keeps plain newlines.
    body: text(body, 'body').replace(/\r\n?/g, '\n'),
    grantPoints: text(body, 'grantPoints'), segment: segmentValues(body),
  };
}

export function letterValuesOf(l: LetterView): LetterValues {
  return { title: l.title, subject: l.subject, body: l.body, grantPoints: String(l.grantPoints), segment: segmentValuesOf(l.audience) };
}

/** What is wrong with a subject's or body's merge fields, as one sentence; null when nothing is. */
export function mergeFieldMessage(template: string): string | null {
  const problems = mergeFieldProblems(template);
  if (problems.length === 0) return null;
  const s = problems.join('; ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function grantPointsOf(values: LetterValues): { points: number; error?: string } {
  const n = integer(values as unknown as FormBody, 'grantPoints');
  if (n === undefined) return { points: 0 };
  if (Number.isNaN(n) || n < 0 || n > MAX_GRANT) return { points: 0, error: `Points to grant each account must be a whole number from 0 to ${MAX_GRANT.toLocaleString('en-US')}` };
  return { points: n };
}

/**
 * The composer checked with the API's CreateLetterDto (and the segment with
 * AudienceDto): the service's input, or a message per field.
 */
export async function validateLetter(values: LetterValues): Promise<{ input: LetterInput | null; errors: FieldErrors }> {
  const segment = await validateSegment(values.segment);
  const points = grantPointsOf(values);
  const { value, errors } = await validateForm(CreateLetterDto, {
    title: values.title, subject: values.subject, body: values.body,
    // The segment's own messages come from validateSegment; a valid placeholder keeps them from being reported twice.
    audience: segment.audience ?? new AudienceDto(), grantPoints: points.points,
  }, LABELS);
  const all: FieldErrors = { ...errors, ...segment.errors };
  for (const field of ['subject', 'body'] as const) {
    const merge = mergeFieldMessage(values[field]);
    if (merge && values[field] !== '') all[field] = merge;
  }
  if (points.error) all.grantPoints = points.error;
  else delete all.grantPoints;
  if (Object.keys(all).length > 0) return { input: null, errors: all };
  return { input: { title: value.title, subject: value.subject, body: value.body, audience: segment.audience!, grantPoints: points.points }, errors: {} };
}

/**
 * A refusal from LettersService as form messages: INVALID names its field
 * ("subject: …"); NOT_DRAFT and the rest are said above the form.
 */
export function letterRefusal(err: DomainError): { errors: FieldErrors; alert?: string } {
  const m = /^(subject|body|title|audience|grantPoints): (.*)$/s.exec(err.message);
  if (err.code === 'INVALID' && m) return { errors: { [m[1]]: mergeFieldMessage(m[2]) ?? m[2].charAt(0).toUpperCase() + m[2].slice(1) } };
  if (err.code === 'NOT_DRAFT') return { errors: {}, alert: 'This letter is no longer a draft: it was approved or sent, so it can no longer be changed.' };
  return { errors: {}, alert: err.message };
}

/** A field message swapped in next to its field by the live preview (hx-swap-oob). */
export interface FieldCheck {
  id: string;
  message?: string;
}

export interface RenderedLetter {
  accountName: string;
  to: string | null;
  subject: string;
  paragraphs: string[];
}

export interface LetterPreviewModel {
  /** The letter's id when it is saved and final (approved): the preview for another account is then a GET. */
  letterId: string | null;
  summary: SegmentSummaryModel | null;
  /** Why there is nothing (or only part) to show. */
  note: string | null;
  accounts: Option[];
  rendered: RenderedLetter | null;
  checks: FieldCheck[];
}

export interface ComposerModel {
  action: string;
  values: LetterValues;
  errors: FieldErrors;
  alert?: string;
  favoured: Option[];
  mergeFields: typeof MERGE_FIELD_LIST;
  preview: LetterPreviewModel;
  saveLabel: string;
}

export interface LetterSummary {
  id: string;
  title: string;
  status: LetterStatus;
  statusLabel: string;
  badge: string;
  subject: string;
  body: string;
  audienceText: string;
  grantPointsText: string;
  createdAt: string;
  approvedAt: string;
  sendStartedAt: string;
  sentAt: string;
}

export interface LetterProgressModel {
  id: string;
  status: LetterStatus;
  statusLabel: string;
  badge: string;
  /** Poll for fresh numbers while the letter is being sent. */
  polling: boolean;
  max: number;
  value: number;
  percent: number;
  /** "Sent 120 of 631 emails" (the visible label of the progress bar). */
  label: string;
  accountsText: string;
  failedText: string | null;
  doneText: string | null;
  /** While sending with email delivery off: why the bar does not move. */
  deliveryOff: boolean;
}

export interface RecipientRow {
  accountId: string;
  accountName: string;
  status: LetterRecipientView['status'];
  statusLabel: string;
  badge: string;
  emails: number;
  processedAt: string;
}

export interface RecipientsModel {
  id: string;
  polling: boolean;
  rows: RecipientRow[];
  total: number;
  first: number;
  last: number;
  newer: string | null;
  older: string | null;
  page: number;
}

export interface LetterPageModel {
  title: string;
  letter: LetterSummary;
  /** Only for a draft. */
  composer: ComposerModel | null;
  /** Approved: the preview and the way to send. */
  approved: { preview: LetterPreviewModel } | null;
  /** Sending or sent. */
  progress: LetterProgressModel | null;
  recipients: RecipientsModel | null;
  alert?: string;
}

export interface LetterRow {
  id: string;
  title: string;
  statusLabel: string;
  badge: string;
  progress: string;
  audienceText: string;
  updatedAt: string;
}

export interface SendConfirmModel {
  title: string;
  letter: LetterSummary;
  /** "Send to 412 accounts: 631 emails, 824 points" — what pressing the button does, in numbers. */
  statement: string | null;
  details: string[];
  expectAccounts: number;
  expectEmails: number;
  alert?: string;
}

export function pageNumber(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Math.min(Math.max(Number(raw), 1), MAX_PAGE) : 1;
}

function letterSummary(l: LetterView): LetterSummary {
  return {
    id: l.id, title: l.title, status: l.status, statusLabel: STATUS_LABELS[l.status], badge: STATUS_BADGES[l.status],
    subject: l.subject, body: l.body, audienceText: l.audienceText,
    grantPointsText: l.grantPoints > 0 ? `${count(l.grantPoints, 'point', 'points')} to each account` : 'None',
    createdAt: formatDateTime(l.createdAt), approvedAt: formatDateTime(l.approvedAt), sendStartedAt: formatDateTime(l.sendStartedAt), sentAt: formatDateTime(l.sentAt),
  };
}

/** "412 accounts: 631 emails, 824 points". */
export function audienceNumbers(accounts: number, emails: number, points: number): string {
  return `${count(accounts, 'account', 'accounts')}: ${count(emails, 'email', 'emails')}, ${points > 0 ? count(points, 'point', 'points') : 'no points'}`;
}

/** "Send to 412 accounts: 631 emails, 824 points" — what the confirmation's button does. */
export function sendStatement(accounts: number, emails: number, points: number): string {
  return `Send to ${audienceNumbers(accounts, emails, points)}`;
}

function paragraphs(body: string): string[] {
  return body.split(/\n\s*\n/).filter((p) => p.trim() !== '');
}

function rendered(p: LetterPreview): RenderedLetter {
  return { accountName: p.accountName, to: p.to, subject: p.subject, paragraphs: paragraphs(p.body.replace(/\r\n?/g, '\n')) };
}

/**
 * The letter pages' view models: the list, the composer with its live
 * preview, an approved letter, the send confirmation, and the progress of a
 * letter being sent. LettersService and SegmentsService decide everything;
 * this only words their answers.
 */
@Injectable()
export class LetterPages {
  constructor(
    private readonly letters: LettersService,
    private readonly segments: SegmentsService,
    private readonly notifications: NotificationsService,
  ) {}

  async list(pageRaw: unknown): Promise<{ title: string; rows: LetterRow[]; total: number; first: number; last: number; newer: string | null; older: string | null }> {
    const pageNo = pageNumber(pageRaw);
    const offset = (pageNo - 1) * LIST_PAGE_SIZE;
    const { items, total } = await this.letters.list(LIST_PAGE_SIZE, offset);
    return {
      title: 'Letters',
      rows: items.map((l) => ({
        id: l.id, title: l.title, statusLabel: STATUS_LABELS[l.status], badge: STATUS_BADGES[l.status], progress: listProgress(l),
        audienceText: l.audienceText, updatedAt: formatDateTime(l.updatedAt),
      })),
      total,
      first: items.length ? offset + 1 : 0,
      last: offset + items.length,
      newer: pageNo > 1 ? `${LETTERS}?page=${Math.min(pageNo - 1, Math.ceil(total / LIST_PAGE_SIZE) || 1)}` : null,
      older: offset + items.length < total ? `${LETTERS}?page=${pageNo + 1}` : null,
    };
  }

  /** The composer for a new letter, or for a draft shown again with what was typed. */
  async composer(action: string, values: LetterValues, errors: FieldErrors = {}, alert?: string, previewAccountId = ''): Promise<ComposerModel> {
    return {
      action, values, errors, alert, favoured: favouredOptions(values.segment.favoured), mergeFields: MERGE_FIELD_LIST,
      preview: await this.draftPreview(values, previewAccountId),
      saveLabel: action === LETTERS ? 'Save draft' : 'Save changes',
    };
  }

  async page(id: number, opts: { values?: LetterValues; errors?: FieldErrors; alert?: string; page?: unknown; accountId?: string } = {}): Promise<LetterPageModel> {
    const l = await this.letters.get(id);
    const model: LetterPageModel = {
      title: `Letter: ${l.title}`, letter: letterSummary(l), composer: null, approved: null, progress: null, recipients: null,
    };
    if (l.status === 'draft') {
      model.composer = await this.composer(`${LETTERS}/${l.id}`, opts.values ?? letterValuesOf(l), opts.errors, opts.alert, opts.accountId);
    } else {
      model.alert = opts.alert;
      if (l.status === 'approved') model.approved = { preview: await this.savedPreview(id, opts.accountId ?? '') };
      else {
        model.progress = progressModel(l, this.notifications.deliveryEnabled);
        model.recipients = await this.recipients(id, l.status === 'sending', opts.page);
      }
    }
    return model;
  }

  /** The live preview of the composer: who the audience holds and the letter as one of them reads it, with the merge-field and segment checks. */
  async draftPreview(values: LetterValues, previewAccountId: string): Promise<LetterPreviewModel> {
    const segment = await validateSegment(values.segment);
    const points = grantPointsOf(values);
    const found: FieldErrors = { ...segment.errors };
    if (points.error) found.grantPoints = points.error;
    for (const field of ['subject', 'body'] as const) {
      const merge = mergeFieldMessage(values[field]);
      if (merge) found[field] = merge;
    }
    const checks = CHECKED_LIVE.map((f) => ({ id: FIELD_IDS[f], message: found[f] }));
    const model: LetterPreviewModel = { letterId: null, summary: null, note: null, accounts: [], rendered: null, checks };
    if (!segment.audience) {
      model.note = 'Correct the audience (shown next to its fields) to see who gets this letter.';
      return model;
    }
    const audience: Audience = segment.audience;
    const summary = await this.segments.summarize(audience, points.points);
    model.summary = segmentSummary(summary, { emails: true, points: true }, NO_CONTACT_NOTE);
    if (summary.accounts === 0) {
      model.note = 'No active account is in this audience: the letter would go to nobody.';
      return model;
    }
    const chosen = summary.sample.find((a) => a.id === previewAccountId) ?? summary.sample[0];
    model.accounts = summary.sample.map((a) => ({ value: a.id, label: a.name, selected: a.id === chosen.id }));
    if (found.subject || found.body) {
      model.note = 'Correct the merge fields (shown next to Subject and Body) to see the letter as it will be read.';
      return model;
    }
    try {
      model.rendered = rendered(await this.letters.previewDraft({ subject: values.subject, body: values.body, audience, grantPoints: points.points }, Number(chosen.id)));
    } catch (err) {
      // The account left the audience (or was closed) since the summary was read: say so rather than fail the preview.
      if (!(err instanceof LetterError)) throw err;
      model.note = `The letter cannot be shown for this account just now: ${err.message}. Choose another account.`;
    }
    return model;
  }

  /** An approved letter as one account of its audience reads it; the account is one of the first of the audience. */
  async savedPreview(id: number, accountId: string): Promise<LetterPreviewModel> {
    const summary = await this.letters.audienceSummary(id);
    const model: LetterPreviewModel = {
      letterId: String(id), summary: segmentSummary(summary, { emails: true, points: true }, NO_CONTACT_NOTE),
      note: null, accounts: [], rendered: null, checks: [],
    };
    if (summary.accounts === 0) {
      model.note = 'No active account is in this audience now: the letter would go to nobody.';
      return model;
    }
    const chosen = summary.sample.find((a) => a.id === accountId) ?? summary.sample[0];
    model.accounts = summary.sample.map((a) => ({ value: a.id, label: a.name, selected: a.id === chosen.id }));
    try {
      model.rendered = rendered(await this.letters.preview(id, Number(chosen.id)));
    } catch (err) {
      if (!(err instanceof LetterError)) throw err;
      model.note = `The letter cannot be shown for this account just now: ${err.message}. Choose another account.`;
    }
    return model;
  }

  async confirm(id: number, alert?: string): Promise<SendConfirmModel> {
    const l = await this.letters.get(id);
    const summary = l.status === 'approved' ? await this.letters.audienceSummary(id) : null;
    const details: string[] = [];
    if (summary && summary.accounts > 0) {
      details.push(l.grantPoints > 0
        ? `Each account is granted ${count(l.grantPoints, 'point', 'points')} and each of its contacts gets one email; the account then counts as told of the new terms.`
        : 'Each contact of each account gets one email; the account then counts as told of the new terms. No points are granted.');
      if (summary.accountsWithoutContacts > 0) {
        details.push(`${count(summary.accountsWithoutContacts, 'account has', 'accounts have')} no contact and get${summary.accountsWithoutContacts === 1 ? 's' : ''} no email.`);
      }
      details.push('The emails go out in batches in the background; this letter\'s page shows the progress and can be left and come back to.');
    }
    return {
      title: `Send letter: ${l.title}`,
      letter: letterSummary(l),
      statement: summary && summary.accounts > 0 ? sendStatement(summary.accounts, summary.emails, summary.points) : null,
      details,
      expectAccounts: summary?.accounts ?? 0,
      expectEmails: summary?.emails ?? 0,
      alert: alert ?? (l.status !== 'approved'
        ? `This letter is ${STATUS_LABELS[l.status].toLowerCase()}: only an approved letter can be sent.`
        : summary?.accounts === 0 ? 'No active account is in this letter\'s audience now, so there is nobody to send it to.' : undefined),
    };
  }

  /** The numbers the confirmation showed, still true now? */
  async progress(id: number): Promise<LetterProgressModel> {
    return progressModel(await this.letters.get(id), this.notifications.deliveryEnabled);
  }

  async recipients(id: number, polling: boolean, pageRaw: unknown): Promise<RecipientsModel> {
    const pageNo = pageNumber(pageRaw);
    const offset = (pageNo - 1) * RECIPIENTS_PAGE_SIZE;
    const { items, total } = await this.letters.recipients(id, undefined, RECIPIENTS_PAGE_SIZE, offset);
    const href = (n: number) => `${LETTERS}/${id}?page=${n}#recipients`;
    return {
      id: String(id), polling, page: pageNo,
      rows: items.map((r) => ({
        accountId: r.accountId, accountName: r.accountName || `Account ${r.accountId}`, status: r.status,
        statusLabel: RECIPIENT_LABELS[r.status], badge: RECIPIENT_BADGES[r.status], emails: r.emails, processedAt: formatDateTime(r.processedAt),
      })),
      total,
      first: items.length ? offset + 1 : 0,
      last: offset + items.length,
      newer: pageNo > 1 ? href(Math.min(pageNo - 1, Math.ceil(total / RECIPIENTS_PAGE_SIZE) || 1)) : null,
      older: offset + items.length < total ? href(pageNo + 1) : null,
    };
  }
}

/** The list's progress column: "412 of 631 emails sent". */
function listProgress(l: LetterView): string {
  if (l.status === 'draft') return 'Not sent';
  if (l.status === 'approved') return 'Ready to send';
  const sent = `${l.recipients.sent.toLocaleString('en-US')} of ${count(l.recipients.total, 'email', 'emails')} sent`;
  return l.recipients.failed > 0 ? `${sent}, ${l.recipients.failed.toLocaleString('en-US')} failed` : sent;
}

/**
 * The progress bar of a letter being sent: emails sent or failed of all its
 * emails; a letter whose accounts have no contacts at all counts accounts.
 */
export function progressModel(l: LetterView, deliveryEnabled: boolean): LetterProgressModel {
  const { recipients: e, accounts: a } = l;
  const byEmails = e.total > 0;
  const max = byEmails ? e.total : Math.max(a.total, 1);
  const value = Math.min(byEmails ? e.sent + e.failed : a.done + a.skipped, max);
  const finished = l.status === 'sent';
  return {
    id: l.id, status: l.status, statusLabel: STATUS_LABELS[l.status], badge: STATUS_BADGES[l.status],
    polling: l.status === 'sending',
    max, value: finished && !byEmails ? max : value, percent: finished && !byEmails ? 100 : Math.floor((value * 100) / max),
    label: byEmails ? `Sent ${e.sent.toLocaleString('en-US')} of ${count(e.total, 'email', 'emails')}` : 'No emails to send: none of the accounts has a contact',
    accountsText: `${a.done.toLocaleString('en-US')} of ${count(a.total, 'account', 'accounts')} done${a.skipped ? `, ${a.skipped.toLocaleString('en-US')} skipped (closed meanwhile)` : ''}`,
    failedText: e.failed > 0 ? `${count(e.failed, 'email', 'emails')} failed: see the outbox to send ${e.failed === 1 ? 'it' : 'them'} again.` : null,
    doneText: finished ? `Finished ${formatDateTime(l.sentAt)}.` : null,
    deliveryOff: l.status === 'sending' && !deliveryEnabled,
  };
}

/** Field ids of the composer, for templates and tests. */
export const LETTER_FIELD_IDS = FIELD_IDS;
