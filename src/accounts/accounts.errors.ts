import { DomainError } from '../common/errors/domain-error';

export class AccountError extends DomainError<'NOT_FOUND' | 'ACCOUNT_CLOSED' | 'CONFLICT' | 'FORBIDDEN'> {}
