import { DomainError } from './domain-error';

export class NotFoundError extends DomainError<'NOT_FOUND'> {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}
