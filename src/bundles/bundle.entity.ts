import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('bundles')
export class BundleEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) code: string;
  @Column({ type: 'varchar' }) name: string;
  @Column({ name: 'paid_incidents', type: 'integer' }) paidIncidents: number;
  @Column({ name: 'bonus_incidents', type: 'integer' }) bonusIncidents: number;
  @Column({ type: 'integer' }) points: number;
  @Column({ name: 'price_cents', type: 'integer' }) priceCents: number;
  @Column({ type: 'varchar' }) currency: string;
  @Column({ type: 'boolean' }) active: boolean;
  /** First and last day (UTC, inclusive) the bundle is on sale; null = no limit. */
  @Column({ name: 'available_from', type: 'date', nullable: true }) availableFrom: string | null;
  @Column({ name: 'available_until', type: 'date', nullable: true }) availableUntil: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt: Date;
}
