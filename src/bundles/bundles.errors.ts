import { DomainError } from '../common/errors/domain-error';

export class BundleError extends DomainError<'NOT_FOUND' | 'DUPLICATE_CODE' | 'INVALID' | 'NOT_ON_SALE'> {}
