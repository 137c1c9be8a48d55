import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Channel } from '../policy/policy.types';

export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export const FAULTS = ['undetermined', 'provider', 'client'] as const;
export const CHARGE_KINDS = ['none', 'points', 'fee', 'waived'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type Fault = (typeof FAULTS)[number];
export type ChargeKind = (typeof CHARGE_KINDS)[number];

@Entity('tickets')
export class TicketEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'varchar' }) channel: Channel;
  @Column({ type: 'varchar' }) priority: Priority;
  @Column({ type: 'varchar' }) subject: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'incident_type_id', type: 'integer', nullable: true }) incidentTypeId: number | null;
  @Column({ type: 'varchar' }) fault: Fault;
  @Column({ type: 'varchar' }) status: 'open' | 'resolved';
  @Column({ name: 'charge_kind', type: 'varchar' }) chargeKind: ChargeKind;
  @Column({ name: 'charge_points', type: 'integer' }) chargePoints: number;
  @Column({ name: 'charge_fee_cents', type: 'integer' }) chargeFeeCents: number;
  /** Goodwill points currently credited for this ticket (provider fault). */
  @Column({ name: 'bonus_points', type: 'integer' }) bonusPoints: number;
  /** Bumped on every change of the ticket's effect; guards concurrent reclassification. */
  @Column({ name: 'charge_version', type: 'integer' }) chargeVersion: number;
  @Column({ name: 'created_by_id', type: 'integer', nullable: true }) createdById: number | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'resolved_at', type: 'datetime', nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'text', nullable: true }) resolution: string | null;
}
