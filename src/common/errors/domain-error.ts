/**
 * Base class for the errors a service may throw. Each module declares one
 * subclass with a closed set of codes; the global filter maps codes to HTTP
 * statuses through ERROR_STATUS, so services never speak HTTP.
 */
export abstract class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Generic codes shared by every module. */
export type CommonCode = 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID' | 'UNAUTHORIZED' | 'TOO_MANY_REQUESTS';

export const ERROR_STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  INVALID: 400,
  TOO_MANY_REQUESTS: 429,
  INSUFFICIENT_POINTS: 409,
  ACCOUNT_CLOSED: 409,
  DUPLICATE_CODE: 409,
  DUPLICATE_EMAIL: 409,
  SHORTFALL_BLOCKED: 409,
  BONUS_ALREADY_SPENT: 409,
  RESOLVED_MANAGER_ONLY: 403,
  IDEMPOTENCY_MISMATCH: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  NOT_ON_SALE: 409,
  NOT_FAILED: 409,
  NOT_PENDING: 409,
  NOT_DRAFT: 409,
  NOT_APPROVED: 409,
  AUDIENCE_CHANGED: 409,
  NOTHING_TO_PAY: 409,
  CARD_PAYMENT_IN_PROGRESS: 409,
  OVERPAYMENT: 400,
  ALREADY_PAID_IN_PART: 409,
  CARD_PAYMENTS_DISABLED: 409,
  BAD_SIGNATURE: 400,
  PAYMENT_PROVIDER_FAILED: 502,
};
