import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TransactionService } from '../common/database/transaction.service';
import { MailTransport, PermanentMailError } from './mail-transport';
import { NotificationEntity } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';

export interface SendRound {
  /** Emails claimed by this sender (sent + retrying + failed, plus any taken over after an expired lease). */
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
}

const MAX_BACKOFF_MS = 3_600_000;
/** Tries of the transaction that records a round (a lost record means a repeated email once the lease ends). */
const RECORD_TRIES = 5;

/**
 * Delivers the outbox. Each round claims a batch of due emails (a guarded
 * update that gives every row to one sender only; see the repository), sends
 * them over the SMTP pool and records each result at once: sent, or retried
 * later with exponential backoff, or failed after MAIL_MAX_ATTEMPTS (or at
 * once for a permanent 5xx answer). A sender that dies holding a claim
 * leaves it to expire after MAIL_LEASE_MS; another sender then takes the
 * rows over. Delivery is therefore at least once: only a crash between the
 * SMTP server accepting a message and the row being marked sent repeats it,
 * and the Message-ID stays the same so the repeat can be recognised.
 */
@Injectable()
export class OutboxSender implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxSender.name);
  private draining: Promise<SendRound> | null = null;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: NotificationsRepository,
    private readonly tx: TransactionService,
    private readonly transport: MailTransport,
    private readonly dataSource: DataSource,
  ) {}

  get enabled(): boolean {
    return this.transport.enabled;
  }

  /**
   * Sends rounds until nothing is due. Calls while a drain is running join
   * it instead of starting a second one in this process.
   */
  drain(): Promise<SendRound> {
    if (!this.draining) {
      this.draining = this.drainRounds().finally(() => { this.draining = null; });
    }
    return this.draining;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.draining?.catch(() => undefined);
  }

  private async drainRounds(): Promise<SendRound> {
    const total: SendRound = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
    while (!this.stopping && this.transport.enabled) {
      const round = await this.sendRound();
      for (const k of Object.keys(total) as (keyof SendRound)[]) total[k] += round[k];
      if (round.claimed < this.config.mail.batchSize) break;
    }
    if (total.claimed > 0) {
      this.logger.log(`outbox round claimed=${total.claimed} sent=${total.sent} retrying=${total.retrying} failed=${total.failed}`);
    }
    return total;
  }

  private async sendRound(): Promise<SendRound> {
    const rows = await this.claim();
    const outcomes = await Promise.all(rows.map((r) => this.attempt(r)));
    const lost = await this.record(rows, outcomes);
    const count = (kind: Outcome['status']) => outcomes.filter((o) => o.status === kind).length;
    return { claimed: rows.length, sent: count('sent') - lost, retrying: count('retrying'), failed: count('failed') };
  }

  private async claim(): Promise<NotificationEntity[]> {
    const token = randomUUID();
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.config.mail.leaseMs);
    return this.queueTransaction(async (em) => {
      const ids = await this.repo.findClaimable(em, now, this.config.mail.batchSize, !this.tx.isSqlite);
      await this.repo.claim(em, ids, token, now, leaseUntil);
      return this.repo.findClaimed(em, token);
    });
  }

  /** Sends one claimed email; the outcome is recorded with the round's others. */
  private async attempt(row: NotificationEntity): Promise<Outcome> {
    try {
      await this.transport.send({
        messageId: `<notification-${row.id}.${row.createdAt.getTime()}@pointdesk>`,
        to: row.to, subject: row.subject, text: row.bodyText, html: row.bodyHtml,
        headers: { 'X-Pointdesk-Notification': String(row.id), 'X-Pointdesk-Kind': row.kind },
      });
      return { status: 'sent' };
    } catch (err) {
      const attempts = row.attempts + 1;
      const error = (err as Error).message;
      if (err instanceof PermanentMailError || attempts >= this.config.mail.maxAttempts) {
        this.logger.warn(`email failed id=${row.id} kind=${row.kind} attempts=${attempts}: ${error}`);
        return { status: 'failed', error };
      }
      const wait = Math.min(this.config.mail.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      return { status: 'retrying', error, nextAttemptAt: new Date(Date.now() + wait) };
    }
  }

  /**
   * Records a round's outcomes in one transaction: the sent ones with one
   * statement, failures one by one. Only rows still claimed by this round
   * are touched; returns how many sent rows had been taken over meanwhile.
   */
  private async record(rows: NotificationEntity[], outcomes: Outcome[]): Promise<number> {
    if (rows.length === 0) return 0;
    const token = rows[0].claimToken as string;
    const sentIds = rows.filter((_, i) => outcomes[i].status === 'sent').map((r) => r.id);
    const sentAt = new Date();
    const recorded = await this.retryLockConflicts(() => this.queueTransaction(async (em) => {
      const n = await this.repo.recordSent(em, sentIds, token, sentAt);
      for (const [i, o] of outcomes.entries()) {
        if (o.status === 'retrying') await this.repo.recordRetry(em, rows[i].id, token, o.error, o.nextAttemptAt);
        if (o.status === 'failed') await this.repo.recordFailure(em, rows[i].id, token, o.error);
      }
      return n;
    }));
    // Only when our lease ran out and another sender took rows over; it records its own attempts.
    if (recorded < sentIds.length) this.logger.warn(`${sentIds.length - recorded} sent email(s) had been taken over after the lease expired`);
    return sentIds.length - recorded;
  }

  /**
   * A transaction on the outbox table. On MySQL/MariaDB it runs READ
   * COMMITTED: under the default REPEATABLE READ the claiming SELECT … FOR
   * UPDATE SKIP LOCKED keeps a lock on every row it scans (also rows another
   * sender holds a lease on) plus gap locks, and deadlocks with that
   * sender's UPDATE recording its round as sent; READ COMMITTED locks only
   * the rows that match and takes no gap locks.
   */
  private queueTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.isSqlite ? this.tx.run(undefined, work) : this.dataSource.transaction('READ COMMITTED', work);
  }

  /** Runs work again after a deadlock or lock wait timeout (MySQL 1213/1205), a few times, with a short pause. */
  private async retryLockConflicts<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= RECORD_TRIES || !isLockConflict(err)) throw err;
        this.logger.warn(`recording an outbox round hit a lock conflict (try ${attempt}): ${(err as Error).message}`);
        await sleep(attempt * 25);
      }
    }
  }
}

function isLockConflict(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err as QueryFailedError & { code?: string; errno?: number };
  return e.errno === 1213 || e.errno === 1205 || e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT';
}

type Outcome =
  | { status: 'sent' }
  | { status: 'retrying'; error: string; nextAttemptAt: Date }
  | { status: 'failed'; error: string };
