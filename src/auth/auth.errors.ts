import { DomainError } from '../common/errors/domain-error';

export class AuthError extends DomainError<'UNAUTHORIZED' | 'FORBIDDEN' | 'TOO_MANY_REQUESTS'> {}
