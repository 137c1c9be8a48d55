import { Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const MAX_FAILURES = 5;
const WINDOW_S = 15 * 60;

/**
 * Counts failed logins per email and per client address; after MAX_FAILURES
 * within the window further attempts are refused (429) until it passes.
 * Successful logins are not counted. Kept in memory: each instance counts
 * its own attempts, which still bounds guessing to a few per minute.
 */
@Injectable()
export class LoginLimiter {
  private readonly failures = new RateLimiterMemory({ points: MAX_FAILURES, duration: WINDOW_S });

  /** Seconds until another attempt is allowed, or 0. */
  async blockedFor(email: string, ip: string): Promise<number> {
    const states = await Promise.all([this.failures.get(`e:${email}`), this.failures.get(`i:${ip}`)]);
    const blocked = states.filter((s) => s && s.consumedPoints >= MAX_FAILURES);
    return blocked.length ? Math.ceil(Math.max(...blocked.map((s) => s!.msBeforeNext)) / 1000) : 0;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.failures.penalty(`e:${email}`, 1), this.failures.penalty(`i:${ip}`, 1)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.failures.delete(`e:${email}`);
  }
}
