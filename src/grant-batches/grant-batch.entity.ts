import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AccountWorkRow } from '../common/database/account-batches';
import { Audience } from '../segments/segments.service';

/** A grant of the same points to every account of a segment, done in the background. */
@Entity('grant_batches')
export class GrantBatchEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) points: number;
  @Column({ type: 'varchar' }) reason: string;
  @Column({ type: 'simple-json' }) audience: Audience;
  @Column({ type: 'varchar' }) status: 'running' | 'done';
  @Column({ name: 'created_by', type: 'integer' }) createdBy: number;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'finished_at', type: 'datetime', nullable: true }) finishedAt: Date | null;
}

/** One account of a bulk grant: pending → done (granted) or skipped (closed meanwhile). */
@Entity('grant_batch_accounts')
export class GrantBatchAccountEntity implements AccountWorkRow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'batch_id', type: 'integer' }) batchId: number;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'varchar' }) status: 'pending' | 'done' | 'skipped';
  @Column({ type: 'varchar', nullable: true }) claim: string | null;
  @Column({ name: 'processed_at', type: 'datetime', nullable: true }) processedAt: Date | null;
}
