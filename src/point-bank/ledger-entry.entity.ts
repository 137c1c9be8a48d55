import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const LEDGER_KINDS = ['grant', 'purchase', 'incident', 'refund', 'bonus', 'reversal', 'adjustment'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One append-only movement of points. Never updated, never deleted. */
@Entity('ledger_entries')
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'integer' }) delta: number;
  @Column({ name: 'balance_after', type: 'integer' }) balanceAfter: number;
  @Column({ type: 'varchar' }) kind: LedgerKind;
  @Column({ type: 'varchar' }) reason: string;
  @Column({ name: 'ticket_id', type: 'integer', nullable: true }) ticketId: number | null;
  @Column({ name: 'purchase_id', type: 'integer', nullable: true }) purchaseId: number | null;
  @Column({ name: 'letter_id', type: 'integer', nullable: true }) letterId: number | null;
  @Column({ name: 'actor_id', type: 'integer', nullable: true }) actorId: number | null;
  @Column({ name: 'idempotency_key', type: 'varchar', nullable: true }) idempotencyKey: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
