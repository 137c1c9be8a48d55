import { DomainError } from '../common/errors/domain-error';

export class TicketError extends DomainError<
  'NOT_FOUND' | 'INVALID' | 'SHORTFALL_BLOCKED' | 'BONUS_ALREADY_SPENT' | 'RESOLVED_MANAGER_ONLY' | 'CONFLICT'
> {}
