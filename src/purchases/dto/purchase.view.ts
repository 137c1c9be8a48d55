import { ApiProperty } from '@nestjs/swagger';
import { PAYMENT_METHODS, PURCHASE_STATUSES } from '../purchase.entity';

export class PurchaseView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'INV-000042' }) invoiceNumber: string;
  @ApiProperty() accountId: string;
  @ApiProperty() bundleId: string;
  @ApiProperty({ example: 'Buy 5 get 6', description: 'the invoice line as sold' }) description: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ description: 'points credited when fully paid' }) points: number;
  @ApiProperty({ example: 37500 }) amountCents: number;
  @ApiProperty() paidCents: number;
  @ApiProperty({ description: 'amountCents − paidCents while pending, else 0' }) balanceDueCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: PURCHASE_STATUSES }) status: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) paidAt: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelledAt: string | null;
}

/** Shown after the amount of card money a purchase could not take (applied: false). */
export const NOT_APPLIED_NOTE = ' (not applied: to be refunded)';

export class PaymentView {
  @ApiProperty() id: string;
  @ApiProperty() amountCents: number;
  @ApiProperty({ enum: PAYMENT_METHODS }) method: string;
  @ApiProperty({ type: String, nullable: true }) reference: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'staff member who recorded it; null for online card payments' }) actorId: string | null;
  @ApiProperty({ description: 'false: card money that arrived after the purchase was cancelled or paid by other means; not counted in paidCents, to be refunded' })
  applied: boolean;
  @ApiProperty() createdAt: string;
}

export class PurchaseDetailView extends PurchaseView {
  @ApiProperty({ type: [PaymentView] }) payments: PaymentView[];
}

export class PurchaseList {
  @ApiProperty({ type: [PurchaseView] }) items: PurchaseView[];
  @ApiProperty() total: number;
}

export class CheckoutView {
  @ApiProperty({ description: 'Stripe Checkout page to send the payer to' }) url: string;
  @ApiProperty() sessionId: string;
}
