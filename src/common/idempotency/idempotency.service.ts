import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionService } from '../database/transaction.service';
import { toHttpError } from '../errors/http-error';
import { IdempotencyError } from './idempotency.errors';
import { IdempotencyRepository } from './idempotency.repository';

export type Outcome = { kind: 'ok'; body: unknown } | { kind: 'error'; status: number; body: object };

const WAIT_MS = 10_000;
const POLL_MS = 20;

/**
 * First request with a key claims it (a unique row), runs, and stores its
 * answer; a retry — or a racing duplicate, which waits for the first to
 * finish — gets that answer back without running anything. Client errors
 * (4xx) are stored and replayed like successes; an unexpected failure
 * releases the key so the request can be retried.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly tx: TransactionService,
  ) {}

  async execute(userId: number, key: string, hash: string, run: () => Promise<unknown>): Promise<Outcome> {
    if (!(await this.tx.run(undefined, (em) => this.repo.claim(em, userId, key, hash)))) return this.replay(userId, key, hash);
    let outcome: Outcome;
    try {
      outcome = { kind: 'ok', body: await run() };
    } catch (err) {
      const http = toHttpError(err);
      if (!http || http.statusCode >= 500 || http.statusCode === 429) {
        await this.tx.run(undefined, (em) => this.repo.release(em, userId, key));
        throw err;
      }
      outcome = { kind: 'error', status: http.statusCode, body: http };
    }
    const status = outcome.kind === 'ok' ? 200 : outcome.status;
    await this.tx.run(undefined, (em) => this.repo.complete(em, userId, key, status, JSON.stringify(outcome.body ?? null)));
    return outcome;
  }

  private async replay(userId: number, key: string, hash: string): Promise<Outcome> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const row = await this.repo.find(userId, key);
      if (!row) throw new IdempotencyError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key failed; retry it');
      if (row.requestHash !== hash) {
        throw new IdempotencyError('IDEMPOTENCY_MISMATCH', 'Idempotency-Key was already used with a different request body');
      }
      if (row.state === 'done') {
        const body = JSON.parse(row.responseBody ?? 'null');
        return row.responseStatus! < 400 ? { kind: 'ok', body } : { kind: 'error', status: row.responseStatus!, body };
      }
      if (Date.now() > deadline) {
        throw new IdempotencyError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still in progress');
      }
      await sleep(POLL_MS);
    }
  }
}
