import { DomainError } from '../common/errors/domain-error';

export class ReportError extends DomainError<'INVALID'> {}
