import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CreateGrantBatchDto } from '../grant-batches/dto/grant-batch.dto';
import { GrantBatchesService, GrantBatchView } from '../grant-batches/grant-batches.service';
import { Audience, SegmentsService } from '../segments/segments.service';
import { formatDateTime } from './format';
import { FieldErrors, FormBody, integer, text, validateForm } from './forms';
import { pageNumber } from './letter-pages';
import {
  count, EMPTY_SEGMENT, favouredOptions, SEGMENT_FIELDS, segmentFieldIds, segmentSummary, SegmentSummaryModel, segmentValues, SegmentValues, validateSegment,
} from './segment-form';
import { Option } from './view-models';

export const GRANTS = '/console/grants';
const LIST_PAGE_SIZE = 20;
const MAX_POINTS = 10_000;

/** The bulk grant form as typed. */
export interface GrantValues {
  points: string;
  reason: string;
  segment: SegmentValues;
}

export interface GrantInput {
  audience: Audience;
  points: number;
  reason: string;
}

export const EMPTY_GRANT: GrantValues = { points: '', reason: '', segment: EMPTY_SEGMENT };

const FIELD_IDS: Record<string, string> = { points: 'bulk-points', reason: 'bulk-reason', audience: 'bulk-segment', ...segmentFieldIds('bulk') };
const CHECKED_LIVE = ['points', ...SEGMENT_FIELDS];

export function grantValues(body: FormBody): GrantValues {
  return { points: text(body, 'points'), reason: text(body, 'reason'), segment: segmentValues(body) };
}

function pointsOf(values: GrantValues): { points?: number; error?: string } {
  const n = integer(values as unknown as FormBody, 'points');
  if (n === undefined) return { error: 'Points per account is required' };
  if (Number.isNaN(n) || n < 1 || n > MAX_POINTS) return { error: `Points per account must be a whole number from 1 to ${MAX_POINTS.toLocaleString('en-US')}` };
  return { points: n };
}

/** The form checked with the API's CreateGrantBatchDto (the segment with AudienceDto): the service's input, or a message per field. */
export async function validateGrant(values: GrantValues): Promise<{ input: GrantInput | null; errors: FieldErrors }> {
  const segment = await validateSegment(values.segment);
  const points = pointsOf(values);
  const { value, errors } = await validateForm(CreateGrantBatchDto, {
    audience: segment.audience ?? undefined, points: points.points ?? 1, reason: values.reason,
  }, { points: 'Points per account', reason: 'Reason' });
  const all: FieldErrors = { ...errors, ...segment.errors };
  // The segment's messages are per field (above); the DTO's nested one would only repeat them.
  delete all.audience;
  if (points.error) all.points = points.error;
  if (Object.keys(all).length > 0) return { input: null, errors: all };
  return { input: { audience: segment.audience!, points: value.points, reason: value.reason }, errors: {} };
}

/** "Grant 5 points to 412 accounts: 2,060 points". */
export function grantStatement(points: number, accounts: number): string {
  return `Grant ${count(points, 'point', 'points')} to ${count(accounts, 'account', 'accounts')}: ${count(points * accounts, 'point', 'points')}`;
}

export interface GrantPreviewModel {
  summary: SegmentSummaryModel | null;
  /** "Grant 5 points to 412 accounts: 2,060 points", once the points are typed. */
  statement: string | null;
  note: string | null;
  checks: { id: string; message?: string }[];
}

export interface GrantFormModel {
  values: GrantValues;
  errors: FieldErrors;
  alert?: string;
  favoured: Option[];
  preview: GrantPreviewModel;
}

export interface GrantRow {
  id: string;
  createdAt: string;
  audienceText: string;
  pointsText: string;
  accountsText: string;
  grantedText: string;
  reason: string;
  statusLabel: string;
  badge: string;
}

export interface GrantsPageModel {
  title: string;
  form: GrantFormModel;
  rows: GrantRow[];
  total: number;
  first: number;
  last: number;
  newer: string | null;
  older: string | null;
}

export interface GrantConfirmModel {
  title: string;
  statement: string;
  audienceText: string;
  reason: string;
  details: string[];
  values: GrantValues;
  expectAccounts: number;
  /** Sent back with the form: the same confirmation submitted twice starts one bulk grant. */
  key: string;
  alert?: string;
}

export interface GrantProgressModel {
  id: string;
  polling: boolean;
  statusLabel: string;
  badge: string;
  max: number;
  value: number;
  percent: number;
  /** "Granted 120 of 412 accounts" (the visible label of the progress bar). */
  label: string;
  pointsText: string;
  skippedText: string | null;
  doneText: string | null;
}

export interface GrantPageModel {
  title: string;
  batch: { id: string; statusLabel: string; badge: string; audienceText: string; pointsText: string; reason: string; createdAt: string; finishedAt: string };
  progress: GrantProgressModel;
}

const STATUS_LABELS: Record<GrantBatchView['status'], string> = { running: 'Running', done: 'Done' };
const STATUS_BADGES: Record<GrantBatchView['status'], string> = { running: 'pending', done: 'sent' };

export function grantProgress(b: GrantBatchView): GrantProgressModel {
  const a = b.accounts;
  const max = Math.max(a.total, 1);
  const value = Math.min(a.done + a.skipped, max);
  return {
    id: b.id, polling: b.status === 'running', statusLabel: STATUS_LABELS[b.status], badge: STATUS_BADGES[b.status],
    max, value, percent: Math.floor((value * 100) / max),
    label: `Granted ${a.done.toLocaleString('en-US')} of ${count(a.total, 'account', 'accounts')}`,
    pointsText: `${b.pointsGranted.toLocaleString('en-US')} of ${count(b.points * a.total, 'point', 'points')} granted`,
    skippedText: a.skipped > 0 ? `${count(a.skipped, 'account was', 'accounts were')} closed meanwhile and granted nothing.` : null,
    doneText: b.status === 'done' ? `Finished ${formatDateTime(b.finishedAt)}.` : null,
  };
}

/**
 * The bulk grant pages' view models: the form with its live segment
 * preview, the confirmation, the progress of one bulk grant and the list of
 * earlier ones. GrantBatchesService and SegmentsService decide everything.
 */
@Injectable()
export class GrantPages {
  constructor(
    private readonly batches: GrantBatchesService,
    private readonly segments: SegmentsService,
  ) {}

  async page(values: GrantValues, errors: FieldErrors = {}, alert?: string, pageRaw?: unknown): Promise<GrantsPageModel> {
    const pageNo = pageNumber(pageRaw);
    const offset = (pageNo - 1) * LIST_PAGE_SIZE;
    const [form, { items, total }] = await Promise.all([this.form(values, errors, alert), this.batches.list(LIST_PAGE_SIZE, offset)]);
    return {
      title: 'Bulk grants', form,
      rows: items.map((b) => ({
        id: b.id, createdAt: formatDateTime(b.createdAt), audienceText: b.audienceText, pointsText: count(b.points, 'point', 'points'),
        accountsText: count(b.accounts.total, 'account', 'accounts'), grantedText: count(b.pointsGranted, 'point', 'points'), reason: b.reason,
        statusLabel: STATUS_LABELS[b.status], badge: STATUS_BADGES[b.status],
      })),
      total,
      first: items.length ? offset + 1 : 0,
      last: offset + items.length,
      newer: pageNo > 1 ? `${GRANTS}?page=${Math.min(pageNo - 1, Math.ceil(total / LIST_PAGE_SIZE) || 1)}#earlier` : null,
      older: offset + items.length < total ? `${GRANTS}?page=${pageNo + 1}#earlier` : null,
    };
  }

  async form(values: GrantValues, errors: FieldErrors = {}, alert?: string): Promise<GrantFormModel> {
    return { values, errors, alert, favoured: favouredOptions(values.segment.favoured), preview: await this.preview(values) };
  }

  /** Who the segment holds and what the grant would add up to, with the checks of the fields that decide it. */
  async preview(values: GrantValues): Promise<GrantPreviewModel> {
    const segment = await validateSegment(values.segment);
    const points = pointsOf(values);
    const found: FieldErrors = { ...segment.errors };
    // An empty field is not a mistake while the form is being filled in.
    if (points.error && values.points !== '') found.points = points.error;
    const model: GrantPreviewModel = { summary: null, statement: null, note: null, checks: CHECKED_LIVE.map((f) => ({ id: FIELD_IDS[f], message: found[f] })) };
    if (!segment.audience) {
      model.note = 'Correct the segment (shown next to its fields) to see who is in it.';
      return model;
    }
    const summary = await this.segments.summarize(segment.audience, points.points ?? 0);
    model.summary = segmentSummary(summary, { emails: false, points: false }, 'that does not matter for a grant.');
    model.summary.withoutContacts = null;
    if (summary.accounts === 0) model.note = 'No active account is in this segment: there is nobody to grant points to.';
    else if (points.points !== undefined) model.statement = grantStatement(points.points, summary.accounts);
    else model.note = 'Type the points per account to see the total.';
    return model;
  }

  /** The confirmation of a valid form, or null when the segment is empty now. */
  async confirm(values: GrantValues, input: GrantInput, alert?: string): Promise<GrantConfirmModel | null> {
    const summary = await this.segments.summarize(input.audience, input.points);
    if (summary.accounts === 0) return null;
    return {
      title: 'Confirm bulk grant',
      statement: grantStatement(input.points, summary.accounts),
      audienceText: SegmentsService.describe(input.audience),
      reason: input.reason,
      details: [
        'Each account gets one grant entry with this reason, exactly once; the bulk grant is recorded in the audit log.',
        'The accounts are granted in batches in the background; the next page shows the progress and can be left and come back to.',
      ],
      values,
      expectAccounts: summary.accounts,
      key: randomUUID(),
      alert,
    };
  }

  async batch(id: number): Promise<GrantPageModel> {
    const b = await this.batches.get(id);
    return {
      title: `Bulk grant: ${count(b.points, 'point', 'points')} each`,
      batch: {
        id: b.id, statusLabel: STATUS_LABELS[b.status], badge: STATUS_BADGES[b.status], audienceText: b.audienceText,
        pointsText: `${count(b.points, 'point', 'points')} to each account`, reason: b.reason, createdAt: formatDateTime(b.createdAt), finishedAt: formatDateTime(b.finishedAt),
      },
      progress: grantProgress(b),
    };
  }

  async progress(id: number): Promise<GrantProgressModel> {
    return grantProgress(await this.batches.get(id));
  }
}

export const GRANT_FIELD_IDS = FIELD_IDS;
