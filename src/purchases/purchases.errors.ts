import { DomainError } from '../common/errors/domain-error';

export class PurchaseError extends DomainError<
  'NOT_FOUND' | 'FORBIDDEN' | 'INVALID' | 'NOT_PENDING' | 'OVERPAYMENT' | 'ALREADY_PAID_IN_PART' | 'CARD_PAYMENTS_DISABLED' | 'BAD_SIGNATURE' | 'PAYMENT_PROVIDER_FAILED'
> {}
