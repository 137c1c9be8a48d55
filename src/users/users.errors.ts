import { DomainError } from '../common/errors/domain-error';

/**
 * NOT_FOUND (404) is also the answer for an invitation link that is unknown,
 * already used or expired: the link names nothing that can be used any more.
 */
export class UserError extends DomainError<'NOT_FOUND' | 'FORBIDDEN' | 'DUPLICATE_EMAIL' | 'INVALID' | 'ACCOUNT_CLOSED'> {}
