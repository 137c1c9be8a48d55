import { Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError } from '../../common/errors/domain-error';
import { parseId } from '../../common/database/ids';
import { IdParam } from '../../common/http/id-param.pipe';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, NotificationKind, NotificationStatus } from '../../notifications/notification.entity';
import { NotificationsService } from '../../notifications/notifications.service';
import { formatDateTime, NOTIFICATION_KIND_LABELS, NOTIFICATION_STATUS_LABELS } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, sendView, text } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';
import { NotificationRow, notificationRow, Option, options } from '../view-models';

const PAGE_SIZE = 25;
// Far beyond any real outbox; keeps ?page= from turning into an absurd OFFSET.
const MAX_PAGE = 1_000_000;
const OUTBOX = '/console/outbox';

interface FilterValues {
  accountId: string;
  kind: string;
  status: string;
}

interface OutboxModel {
  title: string;
  deliveryEnabled: boolean;
  counts: { status: NotificationStatus; label: string; count: number; href: string }[];
  filter: { values: FilterValues; errors: FieldErrors; kinds: Option[]; statuses: Option[]; active: boolean; invalid: boolean };
  rows: NotificationRow[];
  total: number;
  first: number;
  last: number;
  newer: string | null;
  older: string | null;
}

const withAny = (opts: Option[], current: string): Option[] => [{ value: '', label: 'Any', selected: current === '' }, ...opts];
const isKind = (v: string): v is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(v);
const isStatus = (v: string): v is NotificationStatus => (NOTIFICATION_STATUSES as readonly string[]).includes(v);

/** The outbox URL for a filter and page, with only the parts that are set. */
function outboxHref(f: FilterValues, page = 1): string {
  const q = new URLSearchParams();
  if (f.accountId) q.set('accountId', f.accountId);
  if (f.kind) q.set('kind', f.kind);
  if (f.status) q.set('status', f.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${OUTBOX}?${s}` : OUTBOX;
}

/**
 * Managers watch the email outbox: what is queued, sent or failed, each
 * email as it was rendered (except an invitation's body, which the service
 * never shows: its link would let the reader choose the client's password),
 * and a failed one sent again. Sending itself is
 * the OutboxSender's job; this page never talks to the SMTP server.
 */
@ConsoleController('outbox')
@ConsoleRole('manager')
export class ConsoleOutboxController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly accounts: AccountsService,
    private readonly cookies: ConsoleCookies,
  ) {}

  /** The list, newest first, filtered by a GET form so a filtered view can be bookmarked. A filter value it cannot use is shown next to its field. */
  @Get()
  async list(@Query() query: FormBody, @Res() res: Response): Promise<void> {
    const values: FilterValues = { accountId: text(query, 'accountId'), kind: text(query, 'kind'), status: text(query, 'status') };
    const errors: FieldErrors = {};
    const accountId = values.accountId ? parseId(values.accountId) : undefined;
    if (accountId === null) errors.accountId = 'Account id must be a number such as 42';
    if (values.kind && !isKind(values.kind)) errors.kind = 'Choose a kind from the list';
    if (values.status && !isStatus(values.status)) errors.status = 'Choose a status from the list';
    const pageNo = /^\d{1,7}$/.test(text(query, 'page')) ? Math.min(Math.max(Number(text(query, 'page')), 1), MAX_PAGE) : 1;

    const ok = Object.keys(errors).length === 0;
    const [counts, found] = await Promise.all([
      this.notifications.statusCounts(),
      ok
        ? this.notifications.list({
          accountId: accountId ?? undefined, kind: values.kind ? (values.kind as NotificationKind) : undefined,
          status: values.status ? (values.status as NotificationStatus) : undefined, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE,
        })
        : { items: [], total: 0 },
    ]);
    const offset = (pageNo - 1) * PAGE_SIZE;
    const model: OutboxModel = {
      title: 'Outbox',
      deliveryEnabled: this.notifications.deliveryEnabled,
      counts: NOTIFICATION_STATUSES.map((s) => ({ status: s, label: NOTIFICATION_STATUS_LABELS[s], count: counts[s], href: outboxHref({ accountId: '', kind: '', status: s }) })),
      filter: {
        values, errors, active: !!(values.accountId || values.kind || values.status), invalid: !ok,
        kinds: withAny(options(NOTIFICATION_KINDS, NOTIFICATION_KIND_LABELS, values.kind), values.kind),
        statuses: withAny(options(NOTIFICATION_STATUSES, NOTIFICATION_STATUS_LABELS, values.status), values.status),
      },
      rows: found.items.map(notificationRow),
      total: found.total,
      first: found.items.length ? offset + 1 : 0,
      last: offset + found.items.length,
      newer: pageNo > 1 ? outboxHref(values, Math.min(pageNo - 1, Math.ceil(found.total / PAGE_SIZE) || 1)) : null,
      older: offset + found.items.length < found.total ? outboxHref(values, pageNo + 1) : null,
    };
    await sendView(res, 'console/outbox', model, ok ? 200 : FORM_REJECTED);
  }

  @Get(':id')
  @Render('console/outbox-message')
  message(@IdParam('id', 'email') id: number, @Staff() user: ConsoleUser) {
    return this.messageModel(user, id);
  }

  /** Sends a failed email again: back in the queue, due now, with a fresh set of attempts. */
  @Post(':id/retry')
  async retry(@IdParam('id', 'email') id: number, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    try {
      const n = await this.notifications.retry(id, user.actor);
      const when = this.notifications.deliveryEnabled
        ? 'It goes out with the next outbox round.'
        : 'It stays in the outbox until SMTP_URL is set.';
      this.cookies.setFlash(res, { kind: 'success', text: `Email to ${n.to} queued again. ${when}` });
      res.redirect(303, `${OUTBOX}/${id}`);
    } catch (err) {
      // NOT_FAILED: someone already retried it, or it was never failed.
      if (err instanceof DomainError && err.code === 'NOT_FAILED') {
        return sendView(res, 'console/outbox-message', await this.messageModel(user, id, 'Only a failed email can be retried; this one is not failed (any more).'), 409);
      }
      throw err;
    }
  }

  private async messageModel(user: ConsoleUser, id: number, alert?: string) {
    const n = await this.notifications.get(id);
    const accountId = n.accountId ? parseId(n.accountId) : null;
    const account = accountId === null ? null : await this.accounts.get(user.actor, accountId).catch((err: unknown) => {
      if (err instanceof DomainError) return null;
      throw err;
    });
    return {
      title: `Email: ${n.subject}`,
      alert,
      deliveryEnabled: this.notifications.deliveryEnabled,
      email: {
        ...n,
        kindLabel: NOTIFICATION_KIND_LABELS[n.kind] ?? n.kind,
        statusLabel: NOTIFICATION_STATUS_LABELS[n.status] ?? n.status,
        createdAt: formatDateTime(n.createdAt),
        sentAt: formatDateTime(n.sentAt),
        nextAttemptAt: formatDateTime(n.nextAttemptAt),
      },
      account: n.accountId ? { id: n.accountId, name: account?.name ?? `Account ${n.accountId}` } : null,
      canRetry: n.status === 'failed',
    };
  }
}
