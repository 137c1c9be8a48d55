import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AccountStatus = 'active' | 'closed';
export type PolicyStatus = 'legacy' | 'notified' | 'enrolled';

@Entity('accounts')
export class AccountEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) name: string;
  @Column({ name: 'customer_since', type: 'date', nullable: true }) customerSince: string | null;
  @Column({ type: 'boolean' }) favoured: boolean;
  @Column({ type: 'varchar' }) status: AccountStatus;
  @Column({ name: 'policy_status', type: 'varchar' }) policyStatus: PolicyStatus;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'closed_at', type: 'datetime', nullable: true }) closedAt: Date | null;
  @Column({ name: 'close_reason', type: 'text', nullable: true }) closeReason: string | null;
  /** When the account, or its contacts, last changed in a way search sees; every process's search index follows it. */
  @Column({ name: 'changed_at', type: 'datetime', nullable: true }) changedAt: Date | null;
}
