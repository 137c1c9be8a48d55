import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The single charging policy row (id 1), created by the first migration. */
@Entity('policies')
export class PolicyEntity {
  @PrimaryColumn({ type: 'integer' }) id: number;
  @Column({ name: 'chargeable_channels', type: 'varchar' }) chargeableChannels: string;
  @Column({ name: 'default_incident_points', type: 'integer' }) defaultIncidentPoints: number;
  @Column({ name: 'provider_fault_bonus_points', type: 'integer' }) providerFaultBonusPoints: number;
  @Column({ name: 'low_balance_threshold', type: 'integer' }) lowBalanceThreshold: number;
  @Column({ name: 'per_incident_fee_cents', type: 'integer' }) perIncidentFeeCents: number;
  @Column({ type: 'varchar' }) currency: string;
  @Column({ name: 'on_shortfall', type: 'varchar' }) onShortfall: 'fee' | 'block';
  @Column({ name: 'enforce_from', type: 'date', nullable: true }) enforceFrom: string | null;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt: Date;
}
