'use strict';

/**
 * `npm run bench`: load-tests Pointdesk against a fresh MariaDB database and
 * compares POST /api/tickets with a bare node:http + mysql2 server doing the
 * same SQL. See test/bench/README.md for settings; scenarios are listed in
 * test/bench/scenarios.js.
 *
 * Flow: scratch database → Pointdesk child → seed through the API → each
 * scenario (warm-up + measured autocannon run) on its server → summary.
 * The `reports` scenario runs on the large dataset of `npm run bench:data`
 * instead (skipped when it was not generated); when only such scenarios are
 * selected, no scratch database is created.
 * Children are stopped and the database dropped on success, error and Ctrl-C.
 * Exit code: 0 whenever the measurement completed (targets missed or not),
 * 1 on errors, 130 when interrupted.
 */

const os = require('node:os');
const cfg = require('./lib/config');
const { ScratchDatabase } = require('./lib/scratch-db');
const { stopAll, killAllSync } = require('./lib/processes');
const { SERVERS, ADMIN } = require('./lib/servers');
const { ApiClient } = require('./lib/http');
const { seed } = require('./lib/seed');
const { measure } = require('./lib/load');
const { resultLine, summary, int } = require('./lib/report');
const ALL_SCENARIOS = require('./scenarios');

const log = (msg = '') => process.stdout.write(`${msg}\n`);

const ctx = { cfg, db: new ScratchDatabase(cfg.databaseUrl), seed: null, results: {}, current: null };

/** Stops the running server, if any. */
async function stopServer() {
  if (!ctx.current) return;
  const { name, proc } = ctx.current;
  ctx.current = null;
  const exit = await proc.stop();
  if (exit.code !== 0 && exit.signal !== 'SIGTERM') log(`  (${SERVERS[name].name} exited with ${JSON.stringify(exit)})`);
}

/** Makes `name` the one running server (starting it, stopping any other). */
async function useServer(name) {
  if (ctx.current && ctx.current.name === name) return ctx.current;
  await stopServer();
  log(`Starting ${SERVERS[name].name} …`);
  const started = await SERVERS[name].start(ctx);
  ctx.current = { name, ...started };
  log(`  ${SERVERS[name].name} is up at ${started.url} (pid ${started.proc.child.pid})`);
  return ctx.current;
}

function selectedScenarios() {
  if (!cfg.only.length) return ALL_SCENARIOS;
  const unknown = cfg.only.filter((id) => !ALL_SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario(s) in BENCH_SCENARIOS: ${unknown.join(', ')}`);
  return ALL_SCENARIOS.filter((s) => cfg.only.includes(s.id));
}

async function runScenario(s) {
  const why = s.skip ? await s.skip(ctx) : null;
  if (why) {
    log(`Scenario ${s.id}: ${s.label} — skipped: ${why}`);
    return undefined;
  }
  const server = await useServer(s.server);
  if (server.proc.exitInfo) throw new Error(`${SERVERS[s.server].name} is not running:\n${server.proc.output()}`);
  if (!s.ownDatabase && ctx.db.created) {
    const settled = await ctx.db.settle();
    if (settled.seconds >= 2) {
      log(`  waited ${settled.seconds.toFixed(1)} s for MariaDB to finish the previous step ` +
        `(now ${settled.flushedPerSecond} pages flushed/s, ${settled.history} undo records to purge)`);
    }
  }
  log(`Scenario ${s.id}: ${s.label} — ` +
    (s.measure ? 'custom measurement' : `${s.connections ?? cfg.connections} connection(s), ${cfg.warmup} s warm-up + ${cfg.duration} s`));
  const state = s.before ? await s.before(ctx) : undefined;
  const loadBefore = os.loadavg()[0];
  const result = s.measure
    ? await s.measure(ctx, server)
    : await measure({
      url: server.url,
      connections: s.connections ?? cfg.connections,
      duration: cfg.duration,
      warmup: cfg.warmup,
      makeRequests: () => s.requests(ctx),
    });
  if (server.proc.exitInfo) throw new Error(`${SERVERS[s.server].name} died during the run:\n${server.proc.output()}`);
  ctx.results[s.id] = result;
  log(`  ${resultLine(s, result)}`);
  // The box may be shared: a 1-min load average well above 2 (cores) means others competed for CPU.
  log(`  load average ${loadBefore.toFixed(2)} before → ${os.loadavg()[0].toFixed(2)} after`);
  if (s.after) log(`  ${await s.after(ctx, state)}`);
  return result;
}

async function main() {
  const scenarios = selectedScenarios();
  // Scenarios with a database of their own (`reports`) need no scratch database nor seeding.
  const scratch = scenarios.some((s) => !s.ownDatabase);
  if (scratch) await ctx.db.create();
  log('Pointdesk bench');
  log(`  node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}` + (scratch ? `, MariaDB ${ctx.db.version}` : ''));
  const accessLog = ['info', 'debug', 'trace'].includes(cfg.logLevel) ? 'per-request access log on' : 'no per-request access log';
  if (scratch) {
    log(`  scratch database ${ctx.db.name}; Pointdesk LOG_LEVEL=${cfg.logLevel} (${accessLog}), ${cfg.workers} worker process(es) with a pool of ${cfg.poolSize} each (the bare server alike), ` +
      'scheduler off (on, with an SMTP sink, for the mail and letter scenarios)');
  }
  log(`  load: autocannon, ${cfg.connections} connections, ${cfg.warmup} s warm-up + ${cfg.duration} s measured per scenario`);
  log();

  if (scratch) await seedScratch();

  for (const scenario of scenarios) {
    await runScenario(scenario);
    log();
  }
  await stopServer();

  const { text } = summary(scenarios, ctx.results, ctx);
  log(text);
}

/** Every scenario on the scratch database (even the bare server's) needs the data Pointdesk seeds. */
async function seedScratch() {
  const pd = await useServer('pointdesk');
  log(`Seeding ${int(cfg.accounts)} accounts (${cfg.seedConcurrency} parallel requests) …`);
  ctx.seed = await seed(new ApiClient(pd.url), ADMIN, cfg, log);
  const s = ctx.seed;
  log(`  seeded ${int(s.accountIds.length)} accounts / ${int(s.contacts)} contacts in ${s.accountSeconds.toFixed(1)} s ` +
    `(${int(s.accountIds.length / s.accountSeconds)} accounts/s), ${int(s.fundedIds.length)} grants in ${s.grantSeconds.toFixed(1)} s; ` +
    `total ${s.seconds.toFixed(1)} s`);
  for (const [kind, n] of Object.entries(s.retried)) {
    log(`  note: ${int(n)} × ${kind} answered 500 (e.g. a deadlock in Pointdesk, rolled back) and was retried`);
  }
  log();
}

// ---- cleanup: always stop the children and drop the scratch database ----

let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    await stopAll();
    if (cfg.keepDatabase && ctx.db.created) {
      log(`Kept database ${ctx.db.name} (BENCH_KEEP_DB=1): DATABASE_URL=${ctx.db.url}`);
      return;
    }
    await ctx.db.drop().catch((err) => log(`could not drop ${ctx.db.name}: ${err.message}`));
  })();
  return cleaning;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) {
      // Second Ctrl-C: do not wait any longer.
      killAllSync();
      process.exit(130);
    }
    interrupted = true;
    log(`\n${signal}: stopping servers and dropping ${ctx.db.name} …`);
    cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', killAllSync);

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (err) => {
    // After Ctrl-C the servers are being stopped under main's feet: its errors are expected, the signal handler exits.
    if (interrupted) return;
    process.stderr.write(`\nbench failed: ${err && err.stack ? err.stack : err}\n`);
    if (ctx.current) process.stderr.write(`\nLast output of ${SERVERS[ctx.current.name].name}:\n${ctx.current.proc.output()}\n`);
    await cleanup();
    process.exit(1);
  });
