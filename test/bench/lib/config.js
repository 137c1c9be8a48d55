'use strict';

/**
 * Bench settings, all overridable from the environment so quick trial runs
 * (`BENCH_DURATION=3 npm run bench`) and investigations (keep the database,
 * profile the server) need no code change.
 */

const os = require('node:os');
const path = require('node:path');

function int(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function list(name) {
  const raw = process.env[name];
  return raw ? raw.split(/[\s,]+/).filter(Boolean) : [];
}

module.exports = Object.freeze({
  /** Repository root: the bench starts `node dist/src/main.js` from here. */
  root: path.resolve(__dirname, '..', '..', '..'),
  /**
   * Pointdesk's entry point. Default: the fresh build in dist/ (npm run bench builds first).
   * Point it at a copy when others rebuild dist/ while you measure.
   */
  pointdeskMain: process.env.BENCH_POINTDESK_MAIN || '',
  /** MariaDB/MySQL server (no database name): a scratch database is created on it. */
  databaseUrl: process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306',
  /** Seconds of measured load per scenario. */
  duration: int('BENCH_DURATION', 15),
  /**
   * Seconds of unmeasured load before each scenario (JIT, pools and buffer pool warm up). 0 disables.
   * 3 s was too short for V8 to optimise Pointdesk's call path: 948 calls/s measured after 3 s, 1,096 after 15 s.
   */
  warmup: int('BENCH_WARMUP', 10),
  /** Concurrent HTTP connections of autocannon. */
  connections: int('BENCH_CONNECTIONS', 32),
  /** Accounts created through the API before the load tests. */
  accounts: int('BENCH_ACCOUNTS', 10000),
  /** The first N accounts get a large balance; ticket load picks among them so every call debits points. */
  fundedAccounts: int('BENCH_FUNDED_ACCOUNTS', 1000),
  fundedPoints: 10000,
  /** Parallel requests while seeding (accounts and grants). */
  seedConcurrency: int('BENCH_SEED_CONCURRENCY', 16),
  /** Pointdesk's default DB_POOL_SIZE; the bare server uses the same. */
  poolSize: 20,
  /**
   * Worker processes of Pointdesk (WEB_CONCURRENCY) and of the bare server
   * alike: one per core, as deployed. 1 measures a single process.
   */
  workers: Math.max(1, int('BENCH_WORKERS', os.cpus().length)),
  /**
   * Pointdesk's LOG_LEVEL. `warn` turns per-request access logs (info) off;
   * errors and 4xx/5xx would still be logged. The bare server logs nothing.
   */
  logLevel: process.env.BENCH_LOG_LEVEL || 'warn',
  /** Extra node flags for the Pointdesk process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  pointdeskNodeArgs: list('BENCH_NODE_ARGS'),
  /** Run only these scenario ids (comma-separated); default all. */
  only: list('BENCH_SCENARIOS'),
  /** Keep the scratch database at the end (for EXPLAIN and friends); its name is printed. */
  keepDatabase: process.env.BENCH_KEEP_DB === '1',
  /** Emails queued for the `mail` scenario (delivery rate to the SMTP sink). */
  mailCount: int('BENCH_MAIL_COUNT', 5000),
  /**
   * Campaign pace of the server the `letter` scenario starts (CAMPAIGN_BATCH_SIZE
   * accounts every CAMPAIGN_BATCH_INTERVAL_MS); Pointdesk's defaults (100 / 1000 ms)
   * would take 100 s for 10,000 accounts by design.
   */
  campaignBatchSize: int('BENCH_CAMPAIGN_BATCH_SIZE', 500),
  campaignIntervalMs: int('BENCH_CAMPAIGN_INTERVAL_MS', 20),
  /** Points the `letter` scenario's letter grants to each account. */
  letterGrantPoints: 2,
  /**
   * Sequential requests per report in the `reports` scenario (on the dataset of
   * `npm run bench:data`, BENCH_SCALE_DATABASE_URL; see lib/scale-data.js).
   */
  reportRequests: Math.max(1, int('BENCH_REPORT_REQUESTS', 10)),
  /** Seed for the fake data generator: every run bench the same data. */
  seed: int('BENCH_SEED', 20251122),
});
