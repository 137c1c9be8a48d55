import cluster, { Worker } from 'node:cluster';

/** How long a worker that died waits before it is replaced: a crash loop must not spin. */
const RESTART_DELAY_MS = 1000;
/** After a shutdown signal, workers still running after this are killed. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface SupervisorOptions {
  workers: number;
  /** Added to every worker's environment (a setting the workers must share, such as a generated SESSION_SECRET). */
  env?: Record<string, string>;
  /** Progress lines for the operator (a worker that died, shutdown). */
  log: (line: string) => void;
  /** Called once, when every worker has been started. */
  onStarted?: () => void;
}

/**
 * Runs the app in `workers` processes sharing one port (node:cluster), so a
 * server with several cores uses them all: one Node process runs on one core.
 * Called in the primary process, which only supervises.
 *
 * The first worker starts alone and applies the migrations (and creates the
 * first admin) before the others start, so two processes never migrate at
 * once. Only the first worker runs the background jobs (outbox sender,
 * campaigns, report rollups); the others start with SCHEDULER_ENABLED=false
 * and only answer requests. A worker that dies is replaced (the replacement
 * of the first takes over the background jobs); one that dies before the
 * first worker ever listened stops everything, since the configuration or the
 * database is at fault. SIGTERM or SIGINT stops the workers gracefully and
 * then the primary.
 */
export function superviseWorkers({ workers, env = {}, log, onStarted }: SupervisorOptions): void {
  let jobsWorker: Worker | undefined;
  let started = false;
  let stopping = false;

  const fork = (runsJobs: boolean): Worker => {
    const worker = cluster.fork(runsJobs ? env : { ...env, SCHEDULER_ENABLED: 'false' });
    if (runsJobs) jobsWorker = worker;
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const runsJobs = worker === jobsWorker;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!started) {
      log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) before the server started; stopping`);
      process.exit(code || 1);
    }
    log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`);
    setTimeout(() => {
      if (!stopping) fork(runsJobs);
    }, RESTART_DELAY_MS);
  });

  const first = fork(true);
  first.once('listening', () => {
    started = true;
    for (let i = 1; i < workers; i++) fork(false);
    log(`${workers} workers (pid ${process.pid} supervises); background jobs run in worker ${first.process.pid}`);
    onStarted?.();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the workers`);
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (running.length === 0) process.exit(0);
    for (const w of running) w.process.kill('SIGTERM');
    setTimeout(() => {
      log('workers still running after the grace period: killing them');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
