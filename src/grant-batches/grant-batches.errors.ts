import { DomainError } from '../common/errors/domain-error';

export class GrantBatchError extends DomainError<'NOT_FOUND' | 'INVALID'> {}
