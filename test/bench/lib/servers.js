'use strict';

const { existsSync } = require('node:fs');
const path = require('node:path');
const { ServerProcess, freePort } = require('./processes');

/**
 * The servers a scenario can run against. Each `start(ctx)` launches one as
 * a child process on a free port, waits for its health check and returns
 * `{ proc, url }`. The runner keeps at most one running at a time: the box
 * is small and the servers must not compete for CPU.
 */

/** Admin created by Pointdesk on the empty scratch database (ADMIN_EMAIL/ADMIN_PASSWORD). */
const ADMIN = { email: 'bench.admin@pointdesk.example', password: 'bench-admin-password' };

/**
 * Starts Pointdesk on the scratch database; `extraEnv` adds to (or overrides) the bench defaults.
 * `healthTimeoutMs`: how long start-up (which applies pending migrations) may take.
 */
async function startPointdesk(ctx, extraEnv = {}, healthTimeoutMs = 120000) {
  const { cfg, db } = ctx;
  const main = cfg.pointdeskMain ? path.resolve(cfg.pointdeskMain) : path.join(cfg.root, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} not found: run "npm run build" first (npm run bench does)`);
  const port = await freePort();
  const profiling = cfg.pointdeskNodeArgs.some((a) => /^--(cpu|heap)-prof/.test(a));
  const proc = new ServerProcess('Pointdesk', main, {
    cwd: cfg.root,
    nodeArgs: profiling ? ['--require', path.join(__dirname, 'clean-exit.js'), ...cfg.pointdeskNodeArgs] : cfg.pointdeskNodeArgs,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
      LOG_LEVEL: cfg.logLevel,
      SCHEDULER_ENABLED: 'false',
      WEB_CONCURRENCY: String(cfg.workers),
      // Empty = unset for Pointdesk: no mail, default pool size and campaign pace, whatever the caller's shell has.
      SMTP_URL: '',
      DB_POOL_SIZE: '',
      SQLITE_PATH: '',
      CAMPAIGN_BATCH_SIZE: '',
      CAMPAIGN_BATCH_INTERVAL_MS: '',
      ...extraEnv,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await proc.waitUntilHealthy(`${url}/health`, healthTimeoutMs);
  return { proc, url };
}

/** The SMTP sink (smtp-sink.js), started once and kept for the whole run: `{ proc, smtpUrl, statsUrl }`. */
async function ensureSink(ctx) {
  if (ctx.sink && !ctx.sink.proc.exitInfo) return ctx.sink;
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const proc = new ServerProcess('SMTP sink', path.join(__dirname, '..', 'smtp-sink.js'), {
    cwd: ctx.cfg.root,
    env: { SMTP_PORT: String(smtpPort), PORT: String(httpPort) },
  });
  await proc.waitUntilHealthy(`http://127.0.0.1:${httpPort}/health`, 30000);
  ctx.sink = { proc, smtpUrl: `smtp://127.0.0.1:${smtpPort}`, statsUrl: `http://127.0.0.1:${httpPort}/stats` };
  return ctx.sink;
}

const pointdesk = {
  name: 'Pointdesk',
  start: (ctx) => startPointdesk(ctx),
};

/** Pointdesk as deployed with mail: scheduler on, the outbox sender delivering to the SMTP sink with its default settings. */
const pointdeskMailing = {
  name: 'Pointdesk (sending mail)',
  async start(ctx) {
    const sink = await ensureSink(ctx);
    return startPointdesk(ctx, { SCHEDULER_ENABLED: 'true', SMTP_URL: sink.smtpUrl });
  },
};

/** Pointdesk sending mail (as above) at a faster campaign pace, for the `letter` scenario. */
const pointdeskCampaign = {
  name: 'Pointdesk (sending a letter)',
  async start(ctx) {
    const sink = await ensureSink(ctx);
    return startPointdesk(ctx, {
      SCHEDULER_ENABLED: 'true',
      SMTP_URL: sink.smtpUrl,
      CAMPAIGN_BATCH_SIZE: String(ctx.cfg.campaignBatchSize),
      CAMPAIGN_BATCH_INTERVAL_MS: String(ctx.cfg.campaignIntervalMs),
    });
  },
};

/**
 * Pointdesk on the large dataset of `npm run bench:data` instead of the
 * scratch database (which it never touches). Start-up applies any migration
 * newer than the dataset — index builds on millions of rows — so it may take
 * minutes, once.
 */
const pointdeskScale = {
  name: 'Pointdesk (large dataset)',
  async start(ctx) {
    // The scheduler keeps the reports' daily totals caught up; a short interval so the first catch-up is quick.
    const server = await startPointdesk(ctx, { DATABASE_URL: ctx.scale.db.url, SCHEDULER_ENABLED: 'true', REPORT_ROLLUP_INTERVAL_MS: '2000' }, 30 * 60_000);
    await waitForRollups(ctx.scale.db);
    return server;
  },
};

/**
 * Waits until the daily report totals cover the dataset: every ledger entry
 * rolled up and the ticket days up to the day before yesterday. On a freshly
 * generated dataset this is the one-time backfill (printed), after that seconds.
 */
async function waitForRollups(db, timeoutMs = 15 * 60_000) {
  const { connect } = require('./scale-data');
  const c = await connect(db, true);
  const started = Date.now();
  const dayBeforeYesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  try {
    for (;;) {
      const [[ledger]] = await c.query('SELECT (SELECT rolled_id FROM ledger_rollup WHERE id = 1) AS rolled, (SELECT MAX(id) FROM ledger_entries) AS top');
      const [[tickets]] = await c.query('SELECT CAST(rolled_until AS CHAR) AS until FROM ticket_rollup WHERE id = 1');
      const ledgerDone = Number(ledger.rolled) >= Number(ledger.top ?? 0);
      const ticketsDone = tickets && tickets.until !== null && tickets.until >= dayBeforeYesterday;
      if (ledgerDone && ticketsDone) {
        process.stdout.write(`  report totals caught up in ${((Date.now() - started) / 1000).toFixed(1)} s (ledger to id ${ledger.rolled}, tickets to ${tickets.until})\n`);
        return;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`report totals not caught up after ${timeoutMs / 1000} s (ledger ${ledger.rolled}/${ledger.top}, tickets ${tickets && tickets.until})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await c.end();
  }
}

const bare = {
  name: 'bare server',
  async start(ctx) {
    const port = await freePort();
    const proc = new ServerProcess('bare server', path.join(__dirname, '..', 'bare-server.js'), {
      cwd: ctx.cfg.root,
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: ctx.db.url,
        PORT: String(port),
        DB_POOL_SIZE: String(ctx.cfg.poolSize),
        WEB_CONCURRENCY: String(ctx.cfg.workers),
        BARE_ACTOR_ID: ctx.seed ? String(ctx.seed.agentId) : '',
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await proc.waitUntilHealthy(`${url}/health`, 30000);
    return { proc, url };
  },
};

module.exports = {
  SERVERS: { pointdesk, 'pointdesk-mail': pointdeskMailing, 'pointdesk-campaign': pointdeskCampaign, 'pointdesk-scale': pointdeskScale, bare },
  ADMIN,
};
