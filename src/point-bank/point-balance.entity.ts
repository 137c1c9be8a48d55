import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The running balance of one account; always equal to the sum of its ledger entries. */
@Entity('point_balances')
export class PointBalanceEntity {
  @PrimaryColumn({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'integer' }) balance: number;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt: Date;
}
