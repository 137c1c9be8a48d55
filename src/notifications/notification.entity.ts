import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const NOTIFICATION_KINDS = ['low_balance_offer', 'purchase_receipt', 'letter', 'invitation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One email in the outbox. */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) kind: NotificationKind;
  @Column({ name: 'account_id', type: 'integer', nullable: true }) accountId: number | null;
  @Column({ name: 'to_address', type: 'varchar' }) to: string;
  @Column({ type: 'varchar' }) subject: string;
  @Column({ name: 'body_text', type: 'text' }) bodyText: string;
  @Column({ name: 'body_html', type: 'text' }) bodyHtml: string;
  @Column({ type: 'varchar' }) status: NotificationStatus;
  @Column({ type: 'integer' }) attempts: number;
  /** Not before this time (retry backoff). */
  @Column({ name: 'next_attempt_at', type: 'datetime' }) nextAttemptAt: Date;
  /** Set by the sender that claimed the row; cleared when the attempt is recorded. */
  @Column({ name: 'claim_token', type: 'varchar', nullable: true }) claimToken: string | null;
  /** A claim older than this is abandoned (its sender died) and may be taken over. */
  @Column({ name: 'lease_until', type: 'datetime', nullable: true }) leaseUntil: Date | null;
  @Column({ name: 'last_error', type: 'varchar', nullable: true }) lastError: string | null;
  @Column({ name: 'dedupe_key', type: 'varchar', nullable: true }) dedupeKey: string | null;
  /** The announcement letter this email belongs to, for the campaign's progress. */
  @Column({ name: 'letter_id', type: 'integer', nullable: true }) letterId: number | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'sent_at', type: 'datetime', nullable: true }) sentAt: Date | null;
}
