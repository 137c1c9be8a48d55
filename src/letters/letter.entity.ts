import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AccountWorkRow } from '../common/database/account-batches';
import { Audience } from '../segments/segments.service';

export const LETTER_STATUSES = ['draft', 'approved', 'sending', 'sent'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/** An announcement letter: drafted, approved, then sent in batches to its audience. */
@Entity('letters')
export class LetterEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) title: string;
  @Column({ type: 'varchar' }) subject: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'simple-json' }) audience: Audience;
  @Column({ name: 'grant_points', type: 'integer' }) grantPoints: number;
  @Column({ type: 'varchar' }) status: LetterStatus;
  @Column({ name: 'created_by', type: 'integer' }) createdBy: number;
  @Column({ name: 'approved_by', type: 'integer', nullable: true }) approvedBy: number | null;
  @Column({ name: 'sent_by', type: 'integer', nullable: true }) sentBy: number | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt: Date;
  @Column({ name: 'approved_at', type: 'datetime', nullable: true }) approvedAt: Date | null;
  @Column({ name: 'send_started_at', type: 'datetime', nullable: true }) sendStartedAt: Date | null;
  @Column({ name: 'sent_at', type: 'datetime', nullable: true }) sentAt: Date | null;
}

/** One account of a letter being sent: pending → done (granted, emailed, notified) or skipped. */
@Entity('letter_recipients')
export class LetterRecipientEntity implements AccountWorkRow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'letter_id', type: 'integer' }) letterId: number;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'varchar' }) status: 'pending' | 'done' | 'skipped';
  @Column({ type: 'integer' }) emails: number;
  @Column({ type: 'varchar', nullable: true }) claim: string | null;
  @Column({ name: 'processed_at', type: 'datetime', nullable: true }) processedAt: Date | null;
}
