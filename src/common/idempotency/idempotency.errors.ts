import { DomainError } from '../errors/domain-error';

export class IdempotencyError extends DomainError<'INVALID' | 'IDEMPOTENCY_MISMATCH' | 'IDEMPOTENCY_IN_PROGRESS'> {}
