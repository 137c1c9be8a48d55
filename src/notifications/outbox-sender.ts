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
/** Tries of the statement that records an attempt (a lost record means a repeated email once the lease ends). */
const RECORD_TRIES = 5;
/** Sent emails recorded together (one UPDATE). */
const SENT_FLUSH = 10;
/** Longest a send may take (nodemailer's connection + greeting + socket timeouts) plus slack. */
const SEND_MARGIN_MS = 60_000;

/**
 * Delivers the outbox. Each round claims a batch of due emails (a guarded
 * update that gives every row to one sender only; see the repository), sends
 * them over the SMTP pool (as many at a time as it has connections) and
 * records each result as soon as it is known: sent, or retried later with
 * exponential backoff, or failed after MAIL_MAX_ATTEMPTS (or at once when the
 * server refuses the message itself with a 5xx). No send starts near the end
 * of the lease, and at shutdown unsent rows are given back. A sender that
 * dies holding a claim leaves it to expire after MAIL_LEASE_MS; another
 * sender then takes the rows over. Delivery is therefore at least once: only
 * a crash between the SMTP server accepting a message and its row being
 * marked sent repeats it, and the Message-ID stays the same so the repeat can
 * be recognised.
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
    const round: SendRound = { claimed: rows.length, sent: 0, retrying: 0, failed: 0 };
    if (rows.length === 0) return round;
    const token = rows[0].claimToken as string;
    // No send starts this close to the end of the lease: it could still be
    // running when another sender takes the row over and sends it again.
    const sendBy = (rows[0].leaseUntil as Date).getTime() - Math.min(SEND_MARGIN_MS, this.config.mail.leaseMs / 2);
    const queue = [...rows];
    const unsent: number[] = [];
    // Sent emails are recorded a few at a time (one UPDATE for up to SENT_FLUSH of them), failures at once:
    // a crash or shutdown later in the round can repeat at most that few.
    let sent: number[] = [];
    const flushSent = async () => {
      const ids = sent;
      sent = [];
      if (ids.length > 0) round.sent += await this.recordSent(ids, token);
    };
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        if (this.stopping || Date.now() > sendBy) {
          unsent.push(row.id);
          continue;
        }
        const outcome = await this.attempt(row);
        if (outcome.status === 'sent') {
          sent.push(row.id);
          if (sent.length >= SENT_FLUSH) await flushSent();
        } else if (await this.recordFailedAttempt(row, token, outcome)) {
          round[outcome.status] += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.transport.connections, rows.length) }, worker));
    await flushSent();
    if (unsent.length > 0) {
      // Given back at once instead of waiting for the lease to end.
      await this.retryLockConflicts(() => this.queueTransaction((em) => this.repo.release(em, unsent, token)));
    }
    return round;
  }

  private async claim(): Promise<NotificationEntity[]> {
    const token = randomUUID();
    // A claim that loses a deadlock (two senders, each also recording sent rows) changed nothing: try again.
    return this.retryLockConflicts(() => this.queueTransaction(async (em) => {
      // Read the clock here: on SQLite the transaction may have waited in the queue.
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + this.config.mail.leaseMs);
      const ids = await this.repo.findClaimable(em, now, this.config.mail.batchSize, !this.tx.isSqlite);
      await this.repo.claim(em, ids, token, now, leaseUntil);
      return this.repo.findClaimed(em, token);
    }));
  }

  /** Sends one claimed email. */
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
   * Marks sent rows this sender still holds; returns how many. A row missing
   * was taken over after our lease ran out; its new holder records its own attempt.
   */
  private async recordSent(ids: number[], token: string): Promise<number> {
    const n = await this.retryLockConflicts(() => this.singleStatement((em) => this.repo.recordSent(em, ids, token, new Date())));
    if (n < ids.length) this.logger.warn(`${ids.length - n} sent email(s): the claim expired before the attempt was recorded`);
    return n;
  }

  /** Records a failed attempt (to retry later, or given up); false when the row was taken over meanwhile. */
  private async recordFailedAttempt(row: NotificationEntity, token: string, o: Exclude<Outcome, { status: 'sent' }>): Promise<boolean> {
    const done = await this.retryLockConflicts(() => this.singleStatement((em) => o.status === 'retrying'
      ? this.repo.recordRetry(em, row.id, token, o.error, o.nextAttemptAt)
      : this.repo.recordFailure(em, row.id, token, o.error)));
    if (!done) this.logger.warn(`email id=${row.id}: the claim expired before the attempt was recorded`);
    return done;
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

  /**
   * One UPDATE of rows this sender holds: its own transaction on MySQL
   * (autocommit, one round trip); on SQLite it waits its turn in the queue
   * like every write, so it cannot land inside another request's transaction.
   */
  private singleStatement<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.isSqlite ? this.tx.run(undefined, work) : work(this.dataSource.manager);
  }

  /** Runs work again after a deadlock or lock wait timeout (MySQL 1213/1205), a few times, with a short pause. */
  private async retryLockConflicts<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= RECORD_TRIES || !isLockConflict(err)) throw err;
        this.logger.warn(`an outbox transaction hit a lock conflict (try ${attempt}): ${(err as Error).message}`);
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
