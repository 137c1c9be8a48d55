import { DomainError } from '../common/errors/domain-error';

export class IncidentTypeError extends DomainError<'NOT_FOUND' | 'DUPLICATE_CODE' | 'INVALID'> {}
