import { DomainError } from '../common/errors/domain-error';

export class UserError extends DomainError<'NOT_FOUND' | 'DUPLICATE_EMAIL' | 'INVALID'> {}
