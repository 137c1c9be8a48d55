import { Injectable } from '@nestjs/common';
import { IRateLimiterOptions, RateLimiterAbstract, RateLimiterCluster, RateLimiterMemory } from 'rate-limiter-flexible';
import { workerRole } from '../cluster';

const MAX_FAILURES_PER_EMAIL = 5;
// Many people may share one address (an office, a proxy): the address limit only stops bulk guessing.
const MAX_FAILURES_PER_IP = 50;
const WINDOW_S = 15 * 60;

/** In a worker of superviseWorkers, a view of the supervisor's counts (its RateLimiterClusterMaster); else this process's own. */
function limiter(opts: IRateLimiterOptions): RateLimiterAbstract {
  return workerRole() ? new RateLimiterCluster({ ...opts, timeoutMs: 3000 }) : new RateLimiterMemory(opts);
}

/**
 * Counts failed logins per email and per client address; past the limits
 * within the window further attempts are refused (429) until it passes.
 * Successful logins are not counted. Kept in memory: each instance counts
 * its own attempts, which still bounds guessing to a few per minute. The
 * workers of one instance (WEB_CONCURRENCY) share their counts: they are
 * kept by the supervisor, which every worker asks over the cluster channel.
 */
@Injectable()
export class LoginLimiter {
  private readonly byEmail = limiter({ keyPrefix: 'login-email', points: MAX_FAILURES_PER_EMAIL, duration: WINDOW_S });
  private readonly byIp = limiter({ keyPrefix: 'login-ip', points: MAX_FAILURES_PER_IP, duration: WINDOW_S });

  /** Seconds until another attempt is allowed, or 0. */
  async blockedFor(email: string, ip: string): Promise<number> {
    const [e, i] = await Promise.all([this.byEmail.get(email), this.byIp.get(ip)]);
    const waits = [
      e && e.consumedPoints >= MAX_FAILURES_PER_EMAIL ? e.msBeforeNext : 0,
      i && i.consumedPoints >= MAX_FAILURES_PER_IP ? i.msBeforeNext : 0,
    ];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.byEmail.penalty(email, 1), this.byIp.penalty(ip, 1)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}
