import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const PURCHASE_STATUSES = ['pending', 'paid', 'cancelled'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'cash', 'check', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A bundle bought by an account; price, currency and points are fixed here when it is created. */
@Entity('purchases')
export class PurchaseEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'invoice_number', type: 'varchar' }) invoiceNumber: string;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ name: 'bundle_id', type: 'integer' }) bundleId: number;
  @Column({ type: 'varchar' }) description: string;
  @Column({ type: 'integer' }) quantity: number;
  @Column({ type: 'integer' }) points: number;
  @Column({ name: 'amount_cents', type: 'integer' }) amountCents: number;
  @Column({ name: 'paid_cents', type: 'integer' }) paidCents: number;
  @Column({ type: 'varchar' }) currency: string;
  @Column({ type: 'varchar' }) status: PurchaseStatus;
  @Column({ name: 'created_by', type: 'integer', nullable: true }) createdBy: number | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'paid_at', type: 'datetime', nullable: true }) paidAt: Date | null;
  @Column({ name: 'cancelled_at', type: 'datetime', nullable: true }) cancelledAt: Date | null;
}

/** Money received for a purchase; several may add up to its amount. */
@Entity('purchase_payments')
export class PaymentEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'purchase_id', type: 'integer' }) purchaseId: number;
  @Column({ name: 'amount_cents', type: 'integer' }) amountCents: number;
  @Column({ type: 'varchar' }) method: PaymentMethod;
  @Column({ type: 'varchar', nullable: true }) reference: string | null;
  /** The payment provider's id (a Stripe payment intent); unique. */
  @Column({ name: 'external_id', type: 'varchar', nullable: true }) externalId: string | null;
  @Column({ name: 'actor_id', type: 'integer', nullable: true }) actorId: number | null;
  /** false: card money the purchase could not take (cancelled or already paid); not counted, to be refunded. */
  @Column({ type: 'boolean' }) applied: boolean;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}

export type CardCheckoutStatus = 'open' | 'completed' | 'expired';

/** A Stripe Checkout session this app opened for a purchase. */
@Entity('card_checkouts')
export class CardCheckoutEntity {
  @PrimaryColumn({ name: 'session_id', type: 'varchar' }) sessionId: string;
  @Column({ name: 'purchase_id', type: 'integer' }) purchaseId: number;
  @Column({ name: 'amount_cents', type: 'integer' }) amountCents: number;
  @Column({ type: 'varchar' }) currency: string;
  @Column({ type: 'varchar' }) status: CardCheckoutStatus;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt: Date;
}

/** A Stripe webhook event that has been handled (Stripe delivers at least once). */
@Entity('stripe_events')
export class StripeEventEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ type: 'varchar' }) type: string;
  @Column({ name: 'purchase_id', type: 'integer', nullable: true }) purchaseId: number | null;
  @Column({ name: 'received_at', type: 'datetime' }) receivedAt: Date;
}
