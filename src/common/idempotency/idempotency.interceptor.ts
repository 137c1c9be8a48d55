import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Request } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Actor } from '../../auth/actor';
import { IdempotencyError } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';

/** Canonical JSON: object keys sorted, so the same body hashes the same however it was serialised. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Honours the Idempotency-Key header on endpoints marked @Idempotent().
 * Runs after authentication, so keys are per user.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const key = req.headers['idempotency-key'];
    if (key === undefined || !req.actor) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 100) {
      throw new IdempotencyError('INVALID', 'Idempotency-Key must be a string of 1 to 100 characters');
    }
    const hash = createHash('sha256').update(`${req.method} ${req.path}\n${canonical(req.body)}`).digest('hex');
    return from(this.idempotency.execute(req.actor.id, key, hash, () => lastValueFrom(next.handle())).then((outcome) => {
      if (outcome.kind === 'error') throw new HttpException(outcome.body, outcome.status);
      return outcome.body;
    }));
  }
}
