import { DomainError } from '../common/errors/domain-error';

export class NotificationError extends DomainError<'NOT_FOUND' | 'NOT_FAILED'> {}
