import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENT_KEY = 'pointdesk:idempotent';

/** Marks a POST (idem): an Idempotency-Key header makes retries replay the first answer. */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Any string up to 100 characters; a retry with the same key replays the original answer' }),
    ApiConflictResponse({ description: 'Same Idempotency-Key reused with a different body' }),
  );
