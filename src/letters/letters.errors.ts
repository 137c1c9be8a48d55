import { DomainError } from '../common/errors/domain-error';

export class LetterError extends DomainError<'NOT_FOUND' | 'INVALID' | 'NOT_DRAFT' | 'NOT_APPROVED' | 'AUDIENCE_CHANGED'> {}
