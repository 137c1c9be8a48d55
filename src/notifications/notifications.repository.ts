import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, Repository } from 'typeorm';
import { NotificationEntity, NotificationKind, NotificationStatus } from './notification.entity';

export interface NotificationFilter {
  accountId?: number;
  letterId?: number;
  kind?: NotificationKind;
  status?: NotificationStatus;
  limit: number;
  offset: number;
}

export type NewNotification = Pick<NotificationEntity, 'kind' | 'accountId' | 'to' | 'subject' | 'bodyText' | 'bodyHtml' | 'dedupeKey' | 'letterId'>;

// Keeps one INSERT statement well under MySQL's max_allowed_packet with long bodies.
const INSERT_CHUNK = 100;

/**
 * Kinds whose body holds a secret: an invitation's one-time sign-in link.
 * Their body is never shown, and once sent it is replaced by SENT_SECRET_BODY.
 */
export const SECRET_BODY_KINDS: readonly NotificationKind[] = ['invitation'];

/** What a sent invitation email's stored body becomes: the link was for the recipient only and is not needed any more. */
export const SENT_SECRET_BODY = {
  text: 'This email was sent. Its one-time sign-in link was for the recipient only and is not kept.',
  html: '<p>This email was sent. Its one-time sign-in link was for the recipient only and is not kept.</p>',
};

@Injectable()
export class NotificationsRepository {
  constructor(@InjectRepository(NotificationEntity) private readonly repo: Repository<NotificationEntity>) {}

  /**
   * Queues emails. A row whose dedupe_key is already queued is skipped
   * (INSERT IGNORE / INSERT OR IGNORE), so re-running the cause of an email
   * never queues it twice. Returns how many rows were new.
   */
  async insert(em: EntityManager, rows: NewNotification[], now: Date): Promise<number> {
    let added = 0;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const values = rows.slice(i, i + INSERT_CHUNK).map((r) => ({
        ...r, status: 'pending' as const, attempts: 0, nextAttemptAt: now, claimToken: null, leaseUntil: null,
        lastError: null, createdAt: now, sentAt: null,
      }));
      const r = await em.createQueryBuilder().insert().into(NotificationEntity).values(values).orIgnore().updateEntity(false).execute();
      added += affectedRows(r.raw, values.length);
    }
    return added;
  }

  findPage(f: NotificationFilter): Promise<[NotificationEntity[], number]> {
    const qb = this.repo.createQueryBuilder('n')
      .select(['n.id', 'n.kind', 'n.accountId', 'n.letterId', 'n.to', 'n.subject', 'n.status', 'n.attempts', 'n.nextAttemptAt',
        'n.lastError', 'n.createdAt', 'n.sentAt'])
      .orderBy('n.id', 'DESC').take(f.limit).skip(f.offset);
    if (f.accountId !== undefined) qb.andWhere('n.account_id = :accountId', { accountId: f.accountId });
    if (f.letterId !== undefined) qb.andWhere('n.letter_id = :letterId', { letterId: f.letterId });
    if (f.kind) qb.andWhere('n.kind = :kind', { kind: f.kind });
    if (f.status) qb.andWhere('n.status = :status', { status: f.status });
    return qb.getManyAndCount();
  }

  findById(id: number, em?: EntityManager): Promise<NotificationEntity | null> {
    return (em ?? this.repo.manager).findOne(NotificationEntity, { where: { id } });
  }

  /** Emails per status, all of them or one letter's. */
  async countByStatus(letterId?: number): Promise<Record<NotificationStatus, number>> {
    const qb = this.repo.createQueryBuilder('n').select('n.status', 'status').addSelect('COUNT(*)', 'n');
    if (letterId !== undefined) qb.where('n.letter_id = :letterId', { letterId });
    const rows: { status: NotificationStatus; n: string | number }[] = await qb.groupBy('n.status').getRawMany();
    const counts: Record<NotificationStatus, number> = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /**
   * Ids of up to `limit` due emails nobody holds: pending, due, and not
   * claimed or claimed by a sender whose lease ran out. On MySQL/MariaDB the
   * rows are locked (FOR UPDATE SKIP LOCKED) until the claiming transaction
   * ends, so concurrent senders pick disjoint rows instead of queueing.
   */
  async findClaimable(em: EntityManager, now: Date, limit: number, skipLocked: boolean): Promise<number[]> {
    const qb = em.createQueryBuilder(NotificationEntity, 'n').select('n.id', 'id')
      .where('n.status = :pending', { pending: 'pending' })
      .andWhere('n.next_attempt_at <= :now', { now })
      .andWhere(new Brackets((w) => w.where('n.lease_until IS NULL').orWhere('n.lease_until < :now', { now })))
      .orderBy('n.next_attempt_at', 'ASC').addOrderBy('n.id', 'ASC')
      .limit(limit);
    if (skipLocked) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    return (await qb.getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
  }

  /**
   * Claims the rows for one sender. The condition is checked again by the
   * UPDATE itself, so a row another sender claimed in the meantime is left
   * alone: a row is claimed by at most one token at a time.
   */
  async claim(em: EntityManager, ids: number[], token: string, now: Date, leaseUntil: Date): Promise<void> {
    if (ids.length === 0) return;
    await em.createQueryBuilder().update(NotificationEntity)
      .set({ claimToken: token, leaseUntil })
      .where({ id: In(ids), status: 'pending' })
      .andWhere('next_attempt_at <= :now', { now })
      .andWhere(new Brackets((w) => w.where('lease_until IS NULL').orWhere('lease_until < :now', { now })))
      .execute();
  }

  findClaimed(em: EntityManager, token: string): Promise<NotificationEntity[]> {
    return em.find(NotificationEntity, { where: { claimToken: token }, order: { id: 'ASC' } });
  }

  /**
   * Marks claimed rows sent; returns how many were still ours (a row whose
   * lease expired may have been taken over). In the same statement the body
   * of a sent invitation is replaced by a placeholder, so its one-time link
   * is stored only until it has gone out.
   */
  async recordSent(em: EntityManager, ids: number[], token: string, sentAt: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await em.createQueryBuilder().update(NotificationEntity)
      .set({
        status: 'sent', sentAt, lastError: null, attempts: () => 'attempts + 1', claimToken: null, leaseUntil: null,
        bodyText: () => 'CASE WHEN kind IN (:...secretKinds) THEN :sentSecretText ELSE body_text END',
        bodyHtml: () => 'CASE WHEN kind IN (:...secretKinds) THEN :sentSecretHtml ELSE body_html END',
      })
      .where({ id: In(ids), claimToken: token })
      .setParameters({ secretKinds: SECRET_BODY_KINDS, sentSecretText: SENT_SECRET_BODY.text, sentSecretHtml: SENT_SECRET_BODY.html })
      .execute();
    return r.affected ?? 0;
  }

  /** A failed attempt that will be tried again at `nextAttemptAt`. */
  recordRetry(em: EntityManager, id: number, token: string, error: string, nextAttemptAt: Date): Promise<boolean> {
    return this.recordAttempt(em, id, token, { lastError: error, nextAttemptAt });
  }

  /** A failed attempt after which the email is given up (status failed, the error kept). */
  recordFailure(em: EntityManager, id: number, token: string, error: string): Promise<boolean> {
    return this.recordAttempt(em, id, token, { status: 'failed', lastError: error });
  }

  /** Gives claimed rows back unattempted (shutdown, or too close to the end of the lease to start a send). */
  async release(em: EntityManager, ids: number[], token: string): Promise<void> {
    await em.createQueryBuilder().update(NotificationEntity)
      .set({ claimToken: null, leaseUntil: null })
      .where({ id: In(ids), claimToken: token })
      .execute();
  }

  private async recordAttempt(em: EntityManager, id: number, token: string, patch: Partial<NotificationEntity>): Promise<boolean> {
    const r = await em.createQueryBuilder().update(NotificationEntity)
      .set({ ...patch, attempts: () => 'attempts + 1', claimToken: null, leaseUntil: null })
      .where({ id, claimToken: token })
      .execute();
    return r.affected === 1;
  }

  /** Puts a failed email back in the queue, due now, with a fresh set of attempts. */
  async requeueFailed(em: EntityManager, id: number, now: Date): Promise<boolean> {
    const r = await em.createQueryBuilder().update(NotificationEntity)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claimToken: null, leaseUntil: null })
      .where({ id, status: 'failed' })
      .execute();
    return r.affected === 1;
  }
}

/** Rows an INSERT wrote: mysql2 reports affectedRows; SQLite's driver reports changes. */
function affectedRows(raw: unknown, fallback: number): number {
  if (raw && typeof raw === 'object') {
    const r = raw as { affectedRows?: number; changes?: number };
    if (typeof r.affectedRows === 'number') return r.affectedRows;
    if (typeof r.changes === 'number') return r.changes;
  }
  return fallback;
}
