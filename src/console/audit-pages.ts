import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AuditQueryDto } from '../audit/audit.controller';
import { AuditService } from '../audit/audit.service';
import { AuditView } from '../audit/dto/audit.view';
import { parseId } from '../common/database/ids';
import { periodOfDays } from '../common/database/periods';
import { DomainError } from '../common/errors/domain-error';
import { UsersService, UserView } from '../users/users.service';
import { formatDateTime } from './format';
import { FieldErrors, FormBody, text, validateForm } from './forms';
import { ConsoleUser } from './session/console-user';
import { Option } from './view-models';

export const AUDIT = '/console/audit';
const PAGE_SIZE = 25;
// Far beyond any real log; keeps ?page= from turning into an absurd OFFSET.
const MAX_PAGE = 1_000_000;

/** What each audited kind of thing is called, and its console page where there is one. */
const ENTITIES: Record<string, { label: string; href?: (id: string) => string; adminOnly?: boolean }> = {
  account: { label: 'Account', href: (id) => `/console/accounts/${id}` },
  ticket: { label: 'Ticket', href: (id) => `/console/tickets/${id}` },
  purchase: { label: 'Purchase', href: (id) => `/console/purchases/${id}` },
  letter: { label: 'Letter', href: (id) => `/console/letters/${id}` },
  grant_batch: { label: 'Bulk grant', href: (id) => `/console/grants/${id}` },
  bundle: { label: 'Bundle', href: (id) => `/console/bundles/${id}/edit` },
  incident_type: { label: 'Incident type', href: (id) => `/console/incident-types/${id}/edit` },
  // The policy page is for admins only: a manager gets the name without a link.
  policy: { label: 'Policy', href: () => '/console/policy', adminOnly: true },
  user: { label: 'User' },
};

/** The actions the services record (grep "action: '" in src), in words. An action not listed here is shown as its code. */
export const ACTION_LABELS: Record<string, string> = {
  'account.create': 'Account created',
  'account.update': 'Account changed',
  'account.contact.add': 'Contact added',
  'account.close': 'Account closed',
  'account.terms.accept': 'Terms accepted',
  'account.enrol': 'Account enrolled',
  'bundle.create': 'Bundle created',
  'bundle.update': 'Bundle changed',
  'incident_type.create': 'Incident type created',
  'incident_type.update': 'Incident type changed',
  'letter.create': 'Letter drafted',
  'letter.update': 'Letter edited',
  'letter.approve': 'Letter approved',
  'letter.send': 'Letter sending started',
  'points.grant': 'Points granted',
  'points.adjust': 'Balance adjusted',
  'points.bulk_grant': 'Bulk grant started',
  'policy.update': 'Policy changed',
  'purchase.create': 'Purchase created',
  'purchase.cancel': 'Purchase cancelled',
  'purchase.payment': 'Payment recorded',
  'purchase.payment.unapplied': 'Payment received but not applied',
  'ticket.charge': 'Call charged',
  'ticket.reclassify': 'Ticket reclassified',
  'user.create': 'User created',
  'user.invite': 'Client invited',
  'user.invitation.accept': 'Invitation accepted',
};

const LABELS = { actorId: 'Done by', entityType: 'Entity type', entityId: 'Entity id', action: 'Action', from: 'From', to: 'To' };

// ——— The diff ———

/** One line of a before/after diff: a field (dotted path into nested objects) that changed, appeared or went away. */
export interface DiffLine {
  key: string;
  kind: 'changed' | 'added' | 'removed';
  before: string | null;
  after: string | null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaves of a JSON value by dotted path; arrays and scalars are leaves. */
function flatten(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(v) && (prefix === '' || Object.keys(v).length > 0)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, v);
  }
  return out;
}

/** A value as the diff shows it: text as is ("" for empty text), anything else as JSON. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

/**
 * What an audited change did: the fields whose values differ between
 * `before` and `after` (nested objects compared field by field), fields only
 * in `after` (added; everything, for a creation) and only in `before`
 * (removed). Unchanged fields are counted, not listed. A `before` or `after`
 * that is not an object is compared as one value.
 */
export function auditDiff(before: unknown, after: unknown): { lines: DiffLine[]; unchanged: number } {
  if (before === null && after === null) return { lines: [], unchanged: 0 };
  const wrap = (v: unknown) => (v === null || v === undefined ? {} : isPlainObject(v) ? v : { value: v });
  const a = flatten(wrap(before), '', new Map());
  const b = flatten(wrap(after), '', new Map());
  const lines: DiffLine[] = [];
  let unchanged = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (!b.has(key)) lines.push({ key, kind: 'removed', before: shown(a.get(key)), after: null });
    else if (!a.has(key)) lines.push({ key, kind: 'added', before: null, after: shown(b.get(key)) });
    else if (JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key))) lines.push({ key, kind: 'changed', before: shown(a.get(key)), after: shown(b.get(key)) });
    else unchanged++;
  }
  return { lines, unchanged };
}

// ——— The page ———

export interface AuditFilterValues {
  actorId: string;
  entityType: string;
  entityId: string;
  action: string;
  from: string;
  to: string;
}

export interface AuditRow {
  id: string;
  when: string;
  who: string;
  whoRole: string | null;
  action: string;
  actionLabel: string | null;
  entity: { label: string; href: string | null; historyHref: string };
  reason: string | null;
  diff: DiffLine[];
  unchanged: number;
  created: boolean;
}

export interface AuditModel {
  title: string;
  filter: {
    values: AuditFilterValues; errors: FieldErrors; active: boolean; invalid: boolean;
    actors: Option[]; entityTypes: Option[]; actions: { value: string; label: string }[];
  };
  rows: AuditRow[];
  total: number;
  first: number;
  last: number;
  newer: string | null;
  older: string | null;
}

const EMPTY: AuditFilterValues = { actorId: '', entityType: '', entityId: '', action: '', from: '', to: '' };

/** The audit log URL for a filter and page, with only the parts that are set. */
export function auditHref(f: Partial<AuditFilterValues>, page = 1): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(EMPTY) as (keyof AuditFilterValues)[]) if (f[k]) q.set(k, f[k] as string);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${AUDIT}?${s}` : AUDIT;
}

/** Builds the audit log page: filters checked like the API's query, rows with names, links and diffs. */
@Injectable()
export class AuditPages {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
  ) {}

  async page(viewer: ConsoleUser, query: FormBody): Promise<{ model: AuditModel; ok: boolean }> {
    const values: AuditFilterValues = {
      actorId: text(query, 'actorId'), entityType: text(query, 'entityType'), entityId: text(query, 'entityId'),
      action: text(query, 'action'), from: text(query, 'from'), to: text(query, 'to'),
    };
    const errors = await checkFilter(values);
    const ok = Object.keys(errors).length === 0;
    const pageNo = /^\d{1,7}$/.test(text(query, 'page')) ? Math.min(Math.max(Number(text(query, 'page')), 1), MAX_PAGE) : 1;
    const offset = (pageNo - 1) * PAGE_SIZE;

    const [staff, found] = await Promise.all([
      this.staff(),
      ok
        ? this.audit.list({
          actorId: values.actorId ? parseId(values.actorId)! : undefined,
          entityType: values.entityType || undefined, entityId: values.entityId || undefined, action: values.action || undefined,
          // The API's reading of from/to days (to inclusive; 9999-12-31 means no end). Dates are checked above.
          ...periodOfDays(values.from || undefined, values.to || undefined),
          limit: PAGE_SIZE, offset,
        })
        : Promise.resolve({ items: [] as AuditView[], total: 0 }),
    ]);
    const people = new Map(staff.map((u) => [u.id, u]));
    const wanted = new Set([...found.items.map((r) => r.actorId), values.actorId || null].filter((id): id is string => !!id && !people.has(id)));
    for (const u of await Promise.all([...wanted].map((id) => this.user(id)))) if (u) people.set(u.id, u);
    const accountIds = [...new Set(found.items.filter((r) => r.entityType === 'account').map((r) => parseId(r.entityId)).filter((id): id is number => id !== null))];
    const accountNames = accountIds.length ? await this.accounts.mailingLists(accountIds) : new Map<number, { name: string }>();

    const actorOptions = [...people.values()].filter((u) => u.role !== 'client' || u.id === values.actorId)
      .sort((x, y) => x.name.localeCompare(y.name) || Number(x.id) - Number(y.id));
    const types = Object.keys(ENTITIES);
    if (values.entityType && !types.includes(values.entityType)) types.push(values.entityType);

    return {
      ok,
      model: {
        title: 'Audit log',
        filter: {
          values, errors, invalid: !ok, active: Object.values(values).some((v) => v !== ''),
          actors: [
            { value: '', label: 'Anyone', selected: values.actorId === '' },
            ...actorOptions.map((u) => ({ value: u.id, label: `${u.name} (${u.role})`, selected: u.id === values.actorId })),
          ],
          entityTypes: [
            { value: '', label: 'Any', selected: values.entityType === '' },
            ...types.map((t) => ({ value: t, label: ENTITIES[t]?.label ?? t, selected: t === values.entityType })),
          ],
          actions: Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label })),
        },
        rows: found.items.map((r) => row(r, viewer, people, accountNames)),
        total: found.total,
        first: found.items.length ? offset + 1 : 0,
        last: offset + found.items.length,
        newer: pageNo > 1 ? auditHref(values, Math.min(pageNo - 1, Math.ceil(found.total / PAGE_SIZE) || 1)) : null,
        older: offset + found.items.length < found.total ? auditHref(values, pageNo + 1) : null,
      },
    };
  }

  /** Staff users for the actor menu. */
  private staff(): Promise<UserView[]> {
    return this.users.listStaff();
  }

  private async user(id: string): Promise<UserView | null> {
    const n = parseId(id);
    if (n === null) return null;
    return this.users.get(n).catch((err: unknown) => {
      if (err instanceof DomainError) return null;
      throw err;
    });
  }
}

/** The filter's problems per field: the API's AuditQueryDto (lengths, real dates), plus an id for the actor and dates in order. */
async function checkFilter(v: AuditFilterValues): Promise<FieldErrors> {
  const input = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === '' ? undefined : x]));
  const { errors } = await validateForm(AuditQueryDto, input, LABELS);
  const out: FieldErrors = { ...(errors ?? {}) };
  if (v.actorId && !out.actorId && parseId(v.actorId) === null) out.actorId = 'Choose a person from the list';
  if (v.entityType && !out.entityType && !/^[a-z][a-z_]*$/.test(v.entityType)) out.entityType = 'Choose an entity type from the list';
  if (v.from && v.to && !out.from && !out.to && v.to < v.from) out.to = 'To must be on or after From';
  return out;
}

function row(r: AuditView, viewer: ConsoleUser, people: Map<string, UserView>, accounts: Map<number, { name: string }>): AuditRow {
  const kind = ENTITIES[r.entityType];
  const person = r.actorId ? people.get(r.actorId) : undefined;
  const accountName = r.entityType === 'account' ? accounts.get(parseId(r.entityId) ?? -1)?.name : undefined;
  const linkable = kind?.href && (!kind.adminOnly || viewer.isAdmin) && (r.entityType === 'policy' || parseId(r.entityId) !== null);
  const { lines, unchanged } = auditDiff(r.before, r.after);
  return {
    id: r.id,
    when: formatDateTime(r.createdAt),
    who: r.actorId === null ? 'System' : person?.name ?? `User ${r.actorId}`,
    whoRole: person?.role ?? null,
    action: r.action,
    actionLabel: ACTION_LABELS[r.action] ?? null,
    entity: {
      label: accountName ? `${accountName} (account ${r.entityId})` : `${kind?.label ?? r.entityType} ${r.entityType === 'policy' ? '' : r.entityId}`.trim(),
      href: linkable ? kind!.href!(encodeURIComponent(r.entityId)) : null,
      historyHref: auditHref({ entityType: r.entityType, entityId: r.entityId }),
    },
    reason: r.reason,
    diff: lines,
    unchanged,
    created: r.before === null && r.after !== null,
  };
}
