import { DomainError } from '../common/errors/domain-error';

export class PurchaseError extends DomainError<
  'NOT_FOUND' | 'FORBIDDEN' | 'INVALID' | 'NOTHING_TO_PAY' | 'ACCOUNT_CLOSED' | 'CARD_PAYMENT_IN_PROGRESS' | 'NOT_PENDING' | 'OVERPAYMENT' | 'ALREADY_PAID_IN_PART' | 'CARD_PAYMENTS_DISABLED' | 'BAD_SIGNATURE' | 'PAYMENT_PROVIDER_FAILED'
> {}
