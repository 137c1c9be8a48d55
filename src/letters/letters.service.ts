import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountsService, MailingList } from '../accounts/accounts.service';
import { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { idString } from '../common/database/ids';
import { TransactionService } from '../common/database/transaction.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MailRequest, NotificationsService } from '../notifications/notifications.service';
import { PointBankService } from '../point-bank/point-bank.service';
import { SegmentSummaryView } from '../segments/dto/segment.view';
import { Audience, SegmentsService } from '../segments/segments.service';
import { LetterPreview, LetterRecipientList, LetterView } from './dto/letter.view';
import { LetterEntity, LetterRecipientEntity } from './letter.entity';
import { LetterError } from './letters.errors';
import { LettersRepository } from './letters.repository';
import { MergeValues, mergeFieldProblems, renderMergeFields } from './merge-fields';

export { LetterPreview, LetterView };

export interface LetterInput {
  title: string;
  subject: string;
  body: string;
  audience: Audience;
  grantPoints?: number;
}

/** A letter's words and audience, saved or not (the console previews what is being typed). */
export type LetterDraft = Pick<LetterEntity, 'subject' | 'body' | 'audience' | 'grantPoints'>;

// Accounts read at once when an audience is frozen.
const FREEZE_CHUNK = 1000;

const EDITABLE = ['title', 'subject', 'body', 'audience', 'grantPoints'] as const;

/**
 * Announcement letters: draft → approved → sending → sent. Sending freezes
 * the audience (one letter_recipients row per account) and returns; batches
 * then run in the background (LettersScheduler → runBatch). Each batch, in one
 * transaction, claims its accounts and for each one grants the letter's
 * points (ledger idempotency key letter:<id>:account:<id>), queues one email
 * per contact in the outbox (dedupe key per contact) and moves the account
 * legacy → notified. The claim commits with that work or not at all, so a
 * retry, a restart or a second instance never does an account twice. The
 * letter is `sent` once every account is done and none of its emails is
 * pending in the outbox.
 */
@Injectable()
export class LettersService {
  private readonly logger = new Logger(LettersService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: LettersRepository,
    private readonly segments: SegmentsService,
    private readonly accounts: AccountsService,
    private readonly bank: PointBankService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  async create(input: LetterInput, actor: Actor): Promise<LetterView> {
    const letter = this.checked({ ...input, audience: SegmentsService.normalise(input.audience), grantPoints: input.grantPoints ?? 0 });
    const id = await this.tx.run(undefined, async (em) => {
      const now = new Date();
      const id = await this.repo.insert(em, {
        ...letter, status: 'draft', createdBy: actor.id, approvedBy: null, sentBy: null,
        createdAt: now, updatedAt: now, approvedAt: null, sendStartedAt: null, sentAt: null,
      });
      await this.audit.record(em, { actorId: actor.id, action: 'letter.create', entityType: 'letter', entityId: id, after: letter });
      return id;
    });
    this.logger.log(`letter created id=${id} by=${actor.id}`);
    return this.get(id);
  }

  /** Changes a draft; an approved or sent letter is final (NOT_DRAFT). */
  async update(id: number, patch: Partial<LetterInput>, actor: Actor): Promise<LetterView> {
    await this.tx.run(undefined, async (em) => {
      const current = await this.mustFind(id, em);
      if (current.status !== 'draft') throw new LetterError('NOT_DRAFT', `letter ${id} is ${current.status}: only a draft can be changed`);
      const next = this.checked({
        subject: patch.subject ?? current.subject,
        body: patch.body ?? current.body,
        audience: patch.audience ? SegmentsService.normalise(patch.audience) : current.audience,
        grantPoints: patch.grantPoints ?? current.grantPoints,
      });
      const changes: Partial<LetterEntity> = { ...next, title: patch.title ?? current.title };
      const changed = EDITABLE.filter((k) => JSON.stringify(changes[k]) !== JSON.stringify(current[k]));
      if (changed.length === 0) return;
      // Guarded on the status, so a change racing the approval cannot alter an approved letter.
      if (!(await this.repo.transition(em, id, 'draft', { ...changes, status: 'draft', updatedAt: new Date() }))) {
        throw new LetterError('NOT_DRAFT', `letter ${id} is no longer a draft`);
      }
      await this.audit.record(em, {
        actorId: actor.id, action: 'letter.update', entityType: 'letter', entityId: id,
        before: Object.fromEntries(changed.map((k) => [k, current[k]])), after: Object.fromEntries(changed.map((k) => [k, changes[k]])),
      });
    });
    return this.get(id);
  }

  /** When the first announcement letter started going out (null before any did): the reports' "before / since the letter". */
  firstSendStart(): Promise<Date | null> {
    return this.repo.firstSendStart();
  }

  async list(limit: number, offset: number): Promise<{ items: LetterView[]; total: number }> {
    const [letters, total] = await this.repo.findPage(limit, offset);
    return { items: await Promise.all(letters.map((l) => this.view(l))), total };
  }

  async get(id: number): Promise<LetterView> {
    return this.view(await this.mustFind(id));
  }

  /** Who the letter would go to now, and the points it would grant in total. */
  async audienceSummary(id: number): Promise<SegmentSummaryView> {
    const letter = await this.mustFind(id);
    return this.segments.summarize(letter.audience, letter.grantPoints);
  }

  /** The letter as one account's first contact would read it (the first account of the audience by default). */
  async preview(id: number, accountId?: number): Promise<LetterPreview> {
    const letter = await this.mustFind(id);
    if (accountId !== undefined && !(await this.isRecipient(letter, accountId))) await this.notInAudience(accountId);
    return this.render(letter, accountId ?? (await this.firstRecipient(letter)));
  }

  /**
   * An unsaved draft as one account would read it, for the composer's live
   * preview; merge-field mistakes are reported as INVALID naming the field.
   */
  async previewDraft(draft: LetterDraft, accountId?: number): Promise<LetterPreview> {
    const letter = this.checked({ ...draft, audience: SegmentsService.normalise(draft.audience) });
    if (accountId !== undefined && !(await this.segments.includes(letter.audience, accountId))) await this.notInAudience(accountId);
    return this.render(letter, accountId ?? (await this.firstRecipient(letter)));
  }

  async approve(id: number, actor: Actor): Promise<LetterView> {
    await this.tx.run(undefined, async (em) => {
      const letter = await this.mustFind(id, em);
      if (!(await this.repo.transition(em, id, 'draft', { status: 'approved', approvedBy: actor.id, approvedAt: new Date() }))) {
        throw new LetterError('NOT_DRAFT', `letter ${id} is ${letter.status}: only a draft can be approved`);
      }
      await this.audit.record(em, {
        actorId: actor.id, action: 'letter.approve', entityType: 'letter', entityId: id, before: { status: 'draft' }, after: { status: 'approved' },
      });
    });
    this.logger.log(`letter approved id=${id} by=${actor.id}`);
    return this.get(id);
  }

  /**
   * Starts sending an approved letter: freezes its audience now and returns;
   * the batches run in the background. A second call finds it no longer
   * approved (NOT_APPROVED), so nothing is ever sent twice from here. With
   * `expected` (the numbers a person confirmed), an audience that changed
   * since is refused (AUDIENCE_CHANGED) and nothing is frozen.
   */
  async send(id: number, actor: Actor, expected?: { accounts: number; emails: number }): Promise<LetterView> {
    const frozen = await this.tx.run(undefined, async (em) => {
      const letter = await this.mustFind(id, em);
      if (!(await this.repo.transition(em, id, 'approved', { status: 'sending', sentBy: actor.id, sendStartedAt: new Date() }))) {
        throw new LetterError('NOT_APPROVED', `letter ${id} is ${letter.status}: only an approved letter can be sent`);
      }
      const ids = await this.segments.members(letter.audience, em);
      let emails = 0;
      for (let i = 0; i < ids.length; i += FREEZE_CHUNK) {
        const chunk = ids.slice(i, i + FREEZE_CHUNK);
        const lists = await this.accounts.mailingLists(chunk, em);
        const rows = chunk.map((accountId) => ({ accountId, emails: lists.get(accountId)?.contacts.length ?? 0 }));
        emails += rows.reduce((n, r) => n + r.emails, 0);
        await this.repo.insertRecipients(em, id, rows);
      }
      const totals = { accounts: ids.length, emails, points: ids.length * letter.grantPoints };
      if (expected && (expected.accounts !== totals.accounts || expected.emails !== totals.emails)) {
        throw new LetterError('AUDIENCE_CHANGED', `the audience is now ${totals.accounts} accounts and ${totals.emails} emails, not the ${expected.accounts} and ${expected.emails} confirmed`);
      }
      await this.audit.record(em, {
        actorId: actor.id, action: 'letter.send', entityType: 'letter', entityId: id, before: { status: 'approved' }, after: { status: 'sending', ...totals },
      });
      return totals;
    });
    this.logger.log(`letter sending id=${id} accounts=${frozen.accounts} emails=${frozen.emails} points=${frozen.points} by=${actor.id}`);
    return this.get(id);
  }

  async recipients(id: number, status: LetterRecipientEntity['status'] | undefined, limit: number, offset: number): Promise<LetterRecipientList> {
    await this.mustFind(id);
    const [rows, total] = await this.repo.findRecipients(id, status, limit, offset);
    const lists = await this.accounts.mailingLists(rows.map((r) => r.accountId));
    return {
      items: rows.map((r) => ({
        accountId: String(r.accountId), accountName: lists.get(r.accountId)?.name ?? '', status: r.status, emails: r.emails,
        processedAt: r.processedAt ? r.processedAt.toISOString() : null,
      })),
      total,
    };
  }

  /**
   * One step of the background sender: the next batch of the oldest letter
   * being sent, and `sent` for letters with nothing left to do. Returns how
   * many accounts it did (0: nothing to do).
   */
  async runBatch(): Promise<number> {
    for (const letter of await this.repo.findByStatus('sending')) {
      const done = await this.sendBatch(letter);
      if (done > 0) return done;
      await this.finishIfDone(letter.id);
    }
    return 0;
  }

  private async sendBatch(letter: LetterEntity): Promise<number> {
    return this.tx.run(undefined, async (em) => {
      const claimed = await this.repo.claimRecipients(em, letter.id, this.config.campaigns.batchSize);
      if (claimed.length === 0) return 0;
      const ids = claimed.map((r) => r.accountId);
      const lists = await this.accounts.mailingLists(ids, em);
      const active = ids.filter((id) => lists.get(id)?.status === 'active');
      // The balance each letter names is the one before its grant.
      const balances = new Map<number, number>();
      if (letter.grantPoints > 0) {
        const entries = await this.bank.creditEach(active, {
          points: letter.grantPoints, kind: 'grant', reason: `Announcement letter: ${letter.title}`, letterId: letter.id, actorId: letter.sentBy,
        }, (accountId) => `letter:${letter.id}:account:${accountId}`, em);
        for (const e of entries) balances.set(Number(e.accountId), e.balanceAfter - e.delta);
      } else {
        for (const [accountId, balance] of await this.bank.balancesOf(active, em)) balances.set(accountId, balance);
      }
      const mails: MailRequest[] = [];
      for (const { accountId, emails: planned } of claimed) {
        const account = lists.get(accountId);
        if (!account || account.status !== 'active') continue;
        mails.push(...this.mailsFor(letter, accountId, account, balances.get(accountId) ?? 0));
        // Contacts added since the audience was frozen are written to as well; the campaign's total follows.
        if (planned !== account.contacts.length) await this.repo.setEmails(em, letter.id, accountId, account.contacts.length);
      }
      await this.notifications.enqueue(em, mails);
      await this.accounts.markNotified(em, active);
      await this.repo.skipRecipients(em, letter.id, ids.filter((id) => !active.includes(id)));
      this.logger.log(`letter batch id=${letter.id} accounts=${active.length} emails=${mails.length} skipped=${ids.length - active.length}`);
      return ids.length;
    });
  }

  private mailsFor(letter: LetterEntity, accountId: number, account: MailingList, balance: number): MailRequest[] {
    return account.contacts.map((contact) => {
      const values = this.values(letter, account.name, contact.name, balance);
      const body = renderMergeFields(letter.body, values);
      return {
        kind: 'letter', accountId, to: contact.email, template: 'letter', subject: renderMergeFields(letter.subject, values),
        data: { accountName: account.name, body, paragraphs: paragraphs(body) },
        dedupeKey: `letter:${letter.id}:contact:${contact.id}`, letterId: letter.id,
      };
    });
  }

  private async finishIfDone(id: number): Promise<void> {
    // Accounts first, then emails, one after the other: once no account is
    // pending, every batch has committed its emails, so the second read sees
    // them all. (Read together, a batch committing in between could leave its
    // emails uncounted and the letter `sent` too early.)
    const accounts = await this.repo.accountCounts(id);
    if (accounts.pending > 0) return;
    const emails = await this.notifications.statusCounts(id);
    if (emails.pending > 0) return;
    const moved = await this.tx.run(undefined, (em) => this.repo.transition(em, id, 'sending', { status: 'sent', sentAt: new Date() }));
    if (moved) this.logger.log(`letter sent id=${id} accounts=${accounts.done} skipped=${accounts.skipped} emails sent=${emails.sent} failed=${emails.failed}`);
  }

  private async render(letter: LetterDraft, accountId: number): Promise<LetterPreview> {
    const account = await this.accounts.mailingList(accountId);
    if (!account) throw new LetterError('NOT_FOUND', `account ${accountId} not found`);
    const contact = account.contacts[0];
    const values = this.values(letter, account.name, contact?.name ?? account.name, await this.bank.balanceOf(accountId));
    return {
      accountId: String(accountId), accountName: account.name, to: contact?.email ?? null,
      subject: renderMergeFields(letter.subject, values), body: renderMergeFields(letter.body, values),
    };
  }

  private values(letter: LetterDraft, accountName: string, contactName: string, balance: number): MergeValues {
    return { accountName, contactName, balance, grantPoints: letter.grantPoints, balanceAfterGrant: balance + letter.grantPoints };
  }

  private async isRecipient(letter: LetterEntity, accountId: number): Promise<boolean> {
    // Once sending, the audience is the frozen one.
    if (letter.status === 'sending' || letter.status === 'sent') return (await this.repo.findRecipient(letter.id, accountId)) !== null;
    return this.segments.includes(letter.audience, accountId);
  }

  /** An id that names no account is not found; a real account outside the audience is a bad choice. */
  private async notInAudience(accountId: number): Promise<never> {
    if (!(await this.accounts.exists(accountId))) throw new LetterError('NOT_FOUND', `account ${accountId} not found`);
    throw new LetterError('INVALID', `accountId: account ${accountId} is not in this letter's audience`);
  }

  private async firstRecipient(letter: LetterDraft): Promise<number> {
    const sample = await this.segments.summarize(letter.audience, 0);
    if (sample.sample.length === 0) throw new LetterError('NOT_FOUND', 'no active account is in this audience');
    return Number(sample.sample[0].id);
  }

  private checked<T extends Pick<LetterDraft, 'subject' | 'body'>>(letter: T): T {
    for (const field of ['subject', 'body'] as const) {
      const problems = mergeFieldProblems(letter[field]);
      if (problems.length) throw new LetterError('INVALID', `${field}: ${problems.join('; ')}`);
    }
    return letter;
  }

  private async mustFind(id: number, em?: EntityManager): Promise<LetterEntity> {
    const letter = await this.repo.findById(id, em);
    if (!letter) throw new LetterError('NOT_FOUND', `letter ${id} not found`);
    return letter;
  }

  private async view(l: LetterEntity): Promise<LetterView> {
    const started = l.status === 'sending' || l.status === 'sent';
    const [accounts, total, emails] = started
      ? await Promise.all([this.repo.accountCounts(l.id), this.repo.emailTotal(l.id), this.notifications.statusCounts(l.id)])
      : [{ pending: 0, done: 0, skipped: 0 }, 0, { pending: 0, sent: 0, failed: 0 }];
    return {
      id: String(l.id), title: l.title, subject: l.subject, body: l.body, audience: l.audience, audienceText: SegmentsService.describe(l.audience),
      grantPoints: l.grantPoints, status: l.status,
      recipients: { total, sent: emails.sent, failed: emails.failed, pending: Math.max(0, total - emails.sent - emails.failed) },
      accounts: { total: accounts.pending + accounts.done + accounts.skipped, ...accounts },
      createdById: String(l.createdBy), approvedById: idString(l.approvedBy), sentById: idString(l.sentBy),
      createdAt: l.createdAt.toISOString(), updatedAt: l.updatedAt.toISOString(),
      approvedAt: l.approvedAt?.toISOString() ?? null, sendStartedAt: l.sendStartedAt?.toISOString() ?? null, sentAt: l.sentAt?.toISOString() ?? null,
    };
  }
}

/** Paragraphs (split at blank lines) of lines, for the HTML email. */
function paragraphs(text: string): string[][] {
  return text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((p) => p.split('\n')).filter((p) => p.some((line) => line.trim() !== ''));
}
