import cluster, { Worker } from 'node:cluster';
import { setPriority } from 'node:os';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';

/** How long a worker that died waits before it is replaced: a crash loop must not spin. */
const RESTART_DELAY_MS = 1000;
/** After a shutdown signal, workers still running after this are killed. */
const SHUTDOWN_GRACE_MS = 10_000;
/**
 * Scheduling niceness of the background-jobs process: when requests keep
 * every core busy, the kernel gives the jobs (an outbox backlog, a campaign)
 * only what is left, so a support agent's call is never slowed by mail.
 */
export const JOBS_NICENESS = 10;

/** Set in a worker's environment: `web` answers requests; `jobs` runs the background jobs and does not listen. */
export const WORKER_ROLE_VAR = 'POINTDESK_WORKER_ROLE';
export type WorkerRole = 'web' | 'jobs';
/** What the jobs worker sends the supervisor once the app is up (migrations applied). */
export const JOBS_READY = 'pointdesk:jobs-ready';

/** This process's role when superviseWorkers started it; undefined in a single-process server. */
export function workerRole(): WorkerRole | undefined {
  return cluster.isWorker ? (process.env[WORKER_ROLE_VAR] as WorkerRole | undefined) : undefined;
}

export interface SupervisorOptions {
  /** Processes answering requests. */
  workers: number;
  /** Whether the background jobs run (SCHEDULER_ENABLED): then in a process of their own. */
  jobs: boolean;
  /** Added to every worker's environment (a setting the workers must share, such as a generated SESSION_SECRET). */
  env?: Record<string, string>;
  /** Progress lines for the operator (a worker that died, shutdown). */
  log: (line: string) => void;
  /** Called once, when every worker has been started. */
  onStarted?: () => void;
}

/**
 * Runs the app in several processes sharing one port (node:cluster), so a
 * server with several cores uses them all: one Node process runs on one core.
 * Called in the primary process, which only supervises.
 *
 * With the scheduler on, a `jobs` worker starts first, applies the
 * migrations (and creates the first admin), then runs the background jobs
 * (outbox sender, campaigns, report rollups) at a lower CPU priority and
 * answers no request; the `web` workers start once it is ready, with
 * SCHEDULER_ENABLED=false. Without the scheduler the first web worker starts
 * alone and migrates. Either way two processes never migrate at once. A
 * worker that dies is replaced by one of its role; one that dies before the
 * server ever started stops everything, since the configuration or the
 * database is at fault. SIGTERM or SIGINT stops the workers gracefully and
 * then the primary. The supervisor also keeps what the workers must count
 * together: the failed logins of the login limit.
 */
export function superviseWorkers({ workers, jobs, env = {}, log, onStarted }: SupervisorOptions): void {
  // Keeps the counters the workers' rate limiters share (the login limit; see LoginLimiter).
  new RateLimiterClusterMaster();
  const roles = new Map<Worker, WorkerRole>();
  let started = false;
  let stopping = false;

  const fork = (role: WorkerRole): Worker => {
    const worker = cluster.fork({ ...env, [WORKER_ROLE_VAR]: role, ...(role === 'web' ? { SCHEDULER_ENABLED: 'false' } : {}) });
    roles.set(worker, role);
    if (role === 'jobs') {
      worker.once('online', () => {
        try {
          setPriority(worker.process.pid!, JOBS_NICENESS);
        } catch (err) {
          log(`could not lower the priority of the jobs worker: ${(err as Error).message}`);
        }
      });
    }
    return worker;
  };

  const startWeb = (count: number) => {
    for (let i = 0; i < count; i++) fork('web');
    started = true;
    log(`${workers} web workers` + (jobs ? ' and a background-jobs worker' : '') + ` (pid ${process.pid} supervises)`);
    onStarted?.();
  };

  cluster.on('exit', (worker, code, signal) => {
    const role = roles.get(worker)!;
    roles.delete(worker);
    if (stopping) {
      if (roles.size === 0) process.exit(0);
      return;
    }
    const how = signal ?? `code ${code}`;
    if (!started) {
      log(`${role} worker ${worker.process.pid} exited (${how}) before the server started; stopping`);
      process.exit(code || 1);
    }
    log(`${role} worker ${worker.process.pid} exited (${how}); starting a replacement`);
    setTimeout(() => {
      if (!stopping) fork(role);
    }, RESTART_DELAY_MS);
  });

  if (jobs) {
    const jobsWorker = fork('jobs');
    const onMessage = (message: unknown) => {
      if (message !== JOBS_READY) return;
      jobsWorker.off('message', onMessage);
      startWeb(workers);
    };
    jobsWorker.on('message', onMessage);
  } else {
    fork('web').once('listening', () => startWeb(workers - 1));
  }

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the workers`);
    if (roles.size === 0) process.exit(0);
    for (const w of roles.keys()) w.process.kill('SIGTERM');
    setTimeout(() => {
      log('workers still running after the grace period: killing them');
      for (const w of roles.keys()) w.process.kill('SIGKILL');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
