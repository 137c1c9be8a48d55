import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { idString } from '../common/database/ids';
import { TransactionService } from '../common/database/transaction.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationDetailView, NotificationView } from './dto/notification.view';
import { MailTemplates } from './mail-templates';
import { NotificationEntity, NotificationKind, NotificationStatus } from './notification.entity';
import { NotificationError } from './notifications.errors';
import { NotificationFilter, NotificationsRepository, SECRET_BODY_KINDS } from './notifications.repository';
import { OutboxSender } from './outbox-sender';

export { NotificationDetailView, NotificationView };

/** An email to queue: rendered from a template in notifications/templates. */
export interface MailRequest {
  kind: NotificationKind;
  accountId: number | null;
  to: string;
  /** Template name (`low-balance-offer` → low-balance-offer.html.hbs and .text.hbs). */
  template: string;
  subject: string;
  data: { accountName: string } & Record<string, unknown>;
  /** Same key twice → queued once (e.g. `low_balance:entry:81:contact:7`). */
  dedupeKey?: string;
  /** The announcement letter it belongs to. */
  letterId?: number;
}

const view = (n: NotificationEntity): NotificationView => ({
  id: String(n.id), kind: n.kind, accountId: idString(n.accountId), letterId: idString(n.letterId), to: n.to, subject: n.subject, status: n.status,
  attempts: n.attempts, lastError: n.lastError,
  nextAttemptAt: n.status === 'pending' ? n.nextAttemptAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(), sentAt: n.sentAt ? n.sentAt.toISOString() : null,
});

/**
 * The outbox. Other modules queue email here inside their own transaction,
 * so an email exists exactly when the change that caused it committed; the
 * OutboxSender delivers it later.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: NotificationsRepository,
    private readonly templates: MailTemplates,
    private readonly tx: TransactionService,
    private readonly sender: OutboxSender,
  ) {}

  /** Renders and queues emails in the caller's transaction; returns how many were new. */
  async enqueue(em: EntityManager, mails: MailRequest[]): Promise<number> {
    const rows = mails.map((m) => {
      const r = this.templates.render(m.template, m.subject, m.data);
      // Fits the column: the insert skips duplicates (INSERT IGNORE), which on MySQL would also truncate silently.
      const subject = r.subject.length > 300 ? `${r.subject.slice(0, 299)}…` : r.subject;
      return { kind: m.kind, accountId: m.accountId, to: m.to, subject, bodyText: r.text, bodyHtml: r.html, dedupeKey: m.dedupeKey ?? null, letterId: m.letterId ?? null };
    });
    return rows.length === 0 ? 0 : this.repo.insert(em, rows, new Date());
  }

  /** Whether an SMTP server is configured; without one, email waits in the outbox. */
  get deliveryEnabled(): boolean {
    return this.sender.enabled;
  }

  /** Link to the client portal for emails. */
  get portalUrl(): string {
    return `${this.config.publicUrl}/portal`;
  }

  async list(f: NotificationFilter): Promise<{ items: NotificationView[]; total: number }> {
    const [rows, total] = await this.repo.findPage(f);
    return { items: rows.map(view), total };
  }

  /**
   * One email with its bodies, except an invitation's: its link lets whoever
   * holds it choose the client's password, so nobody but the client sees it.
   */
  async get(id: number): Promise<NotificationDetailView> {
    const n = await this.repo.findById(id);
    if (!n) throw new NotificationError('NOT_FOUND', `notification ${id} not found`);
    if (SECRET_BODY_KINDS.includes(n.kind)) return { ...view(n), bodyText: null, bodyHtml: null, bodyHidden: true };
    return { ...view(n), bodyText: n.bodyText, bodyHtml: n.bodyHtml, bodyHidden: false };
  }

  /** Emails per status: all of them, or one announcement letter's. */
  statusCounts(letterId?: number): Promise<Record<NotificationStatus, number>> {
    return this.repo.countByStatus(letterId);
  }

  /** Sends a failed email again: back to pending, due now, with a fresh set of attempts. */
  async retry(id: number, actor: Actor): Promise<NotificationView> {
    await this.tx.run(undefined, async (em) => {
      if (await this.repo.requeueFailed(em, id, new Date())) return;
      const n = await this.repo.findById(id, em);
      if (!n) throw new NotificationError('NOT_FOUND', `notification ${id} not found`);
      throw new NotificationError('NOT_FAILED', `notification ${id} is ${n.status}; only a failed email can be retried`);
    });
    this.logger.log(`email requeued id=${id} by=${actor.id}`);
    return this.get(id);
  }
}
