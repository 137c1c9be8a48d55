import { DomainError } from '../common/errors/domain-error';

export class PointBankError extends DomainError<'NOT_FOUND' | 'INSUFFICIENT_POINTS' | 'INVALID'> {}
