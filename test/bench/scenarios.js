'use strict';

/**
 * The load scenarios, run in this order. To add one, append an object:
 *
 *   id        unique key (BENCH_SCENARIOS=id1,id2 runs a subset)
 *   server    'pointdesk' | 'pointdesk-mail' | 'pointdesk-campaign' | 'pointdesk-scale' | 'bare' (see lib/servers.js)
 *   label     how the summary names it
 *   connections  optional; autocannon connections instead of BENCH_CONNECTIONS
 *   requests(ctx)      → autocannon `requests` array (called per run; use
 *                        setupRequest to vary each request)
 *   before(ctx)        optional; its result is handed to after()
 *   after(ctx, state)  optional; returns a one-line sanity note (rows written …)
 *   note(result, all, ctx)  optional; the summary's parenthesis
 *   targets   [{ what, unit, value(result, all), min | max }]; PASS when
 *             value ≥ min / value < max; `all` maps scenario id → result
 *
 *   measure(ctx, server)  instead of `requests`: a measurement of its own that
 *                        returns a result object (`rps` and whatever `describe` prints)
 *   describe(result)   optional; the result line after the label (default: req/s, p50, p99)
 *   skip(ctx)          optional; a reason not to run (the scenario is then left out), or null
 *   ownDatabase        true: needs neither the scratch database nor its seed
 *
 * ctx holds cfg, db (ScratchDatabase), seed (ids, tokens, fragments; see
 * lib/seed.js) and, once a mail scenario started it, sink (the SMTP sink).
 */

const { queueEmails, statusCounts, sinkStats } = require('./lib/outbox');
const { measure } = require('./lib/load');
const { measureLetter } = require('./lib/letter');
const { reportRequests, skipReason, measureReports, reportP99, describeReports } = require('./lib/reports');

const pick = (list) => list[Math.floor(Math.random() * list.length)];

const SUBJECTS = ['Cannot print invoices', 'Password reset', 'Export to Excel fails', 'Slow after update', 'Error 1043 at login'];

/** One JSON POST with a fresh body per request. */
function jsonPost(path, token, makeBody) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return [{
    method: 'POST',
    path,
    headers,
    setupRequest: (req) => ({ ...req, body: JSON.stringify(makeBody()) }),
  }];
}

/** A chargeable phone call (fault client) on a random funded account: every call debits one point. */
const ticketBody = (ctx) => () => ({
  accountId: pick(ctx.seed.fundedIds),
  channel: 'phone',
  subject: pick(SUBJECTS),
  fault: 'client',
});

/** Highest ticket id before a run, so after() can count what the run wrote. */
async function lastTicketId(ctx) {
  const [row] = await ctx.db.query('SELECT COALESCE(MAX(id), 0) AS id FROM tickets');
  return Number(row.id);
}

/**
 * Tickets written since `since`, how many were debited, and their incident
 * entries — one statement, so one consistent snapshot (the server may still be
 * committing the last in-flight requests when autocannon stops).
 */
async function ticketsWritten(ctx, since) {
  const [r] = await ctx.db.query(
    "SELECT (SELECT COUNT(*) FROM tickets WHERE id > ?) AS tickets, " +
    "(SELECT COUNT(*) FROM tickets WHERE id > ? AND charge_kind = 'points') AS charged, " +
    "(SELECT COUNT(*) FROM ledger_entries WHERE kind = 'incident' AND ticket_id > ?) AS entries",
    [since, since, since],
  );
  const f = (n) => Number(n).toLocaleString('en-US');
  return `wrote ${f(r.tickets)} tickets (incl. warm-up), ${f(r.charged)} charged in points, ${f(r.entries)} incident entries`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const f = (n) => Math.round(n).toLocaleString('en-US');

/**
 * The `mail` scenario: queue cfg.mailCount emails and time the outbox sender
 * (scheduler on, its default poll interval and batch size) until every one is
 * sent to the sink, then check the sink got each exactly once.
 */
async function measureMailRate(ctx) {
  const sinkBefore = await sinkStats(ctx.sink);
  const range = await queueEmails(ctx.db, ctx.cfg.mailCount, ctx.seed.accountIds);
  const started = Date.now();
  const deadline = started + 300_000;
  let counts;
  for (;;) {
    counts = await statusCounts(ctx.db, range);
    if (counts.pending === 0 || Date.now() > deadline) break;
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const sink = await sinkStats(ctx.sink);
  return {
    rps: counts.sent / seconds, seconds, sent: counts.sent, failed: counts.failed, pending: counts.pending,
    received: sink.received - sinkBefore.received, duplicates: sink.duplicates - sinkBefore.duplicates,
  };
}

/** A 3–5 letter fragment of a real name or email, different on every request. */
const searchRequests = (ctx) => [{
  method: 'GET',
  path: '/api/accounts',
  headers: { authorization: `Bearer ${ctx.seed.agentToken}` },
  setupRequest: (req) => ({ ...req, path: `/api/accounts?q=${encodeURIComponent(pick(ctx.seed.fragments))}` }),
}];

/** How much fewer calls/s the paired run logged while mail was being sent. */
const slowdown = (r) => 100 * (1 - r.rps / r.alone.rps);

/**
 * The `tickets-mailing` scenario: after a run that warms the server up, the
 * `tickets` load three times on the server that sends mail, back to back on
 * the same server and database:
 * with the outbox empty (the sender polls and finds nothing), while the
 * sender works through a backlog of ≥ 20,000 emails, and with the outbox
 * empty again once the rest of the backlog is removed. Comparing the middle
 * run with the mean of the two around it cancels what drifts during the
 * scenario (MariaDB still flushing the previous scenario's writes).
 */
async function measureMailingSlowdown(ctx, server) {
  const { cfg } = ctx;
  const load = () => measure({
    url: server.url, connections: cfg.connections, duration: cfg.duration, warmup: cfg.warmup,
    makeRequests: () => jsonPost('/api/tickets', ctx.seed.agentToken, ticketBody(ctx)),
  });
  const since = await lastTicketId(ctx);
  // Not counted: this server has not logged a call yet (the `mail` scenario only sent mail), and a
  // cold JIT would make the first run slow and the mail look free.
  await load();
  const before = await load();
  const range = await queueEmails(ctx.db, Math.max(20_000, 1000 * (cfg.warmup + cfg.duration)), ctx.seed.accountIds);
  const sinkBefore = await sinkStats(ctx.sink);
  const withMail = await load();
  const sink = await sinkStats(ctx.sink);
  const counts = await statusCounts(ctx.db, range);
  await ctx.db.query("DELETE FROM notifications WHERE id BETWEEN ? AND ? AND status = 'pending'", [range.firstId, range.lastId]);
  const after = await load();
  const alone = { rps: (before.rps + after.rps) / 2, p99: Math.max(before.p99, after.p99), non2xx: before.non2xx + after.non2xx, before, after };
  const checkLine = `${await ticketsWritten(ctx, since)} in the four runs; while the third ran the sender delivered ` +
    `${f(sink.received - sinkBefore.received)} emails; ${f(counts.pending)} of the backlog were still pending and then removed`;
  return { ...withMail, alone, checkLine };
}

const ratio = (a, b) => (a && b && b.rps > 0 ? a.rps / b.rps : undefined);

/** `1,900 req/s  p50 15 ms  p99 44 ms  statuses {"400":28500}`: a floor's answers are expected to be all one status. */
const describeFloor = (r) => `${f(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  statuses ${JSON.stringify(r.statusCodes)}`;

/** Checks that every answer of a floor run had the expected status (a floor that fell through to the database measures nothing). */
const allAnswered = (id, status) => (ctx) => {
  const r = ctx.results[id];
  const other = r.total - (r.statusCodes[status] ?? 0);
  return other === 0 ? `all ${f(r.total)} answers were ${status}` : `WRONG: ${f(other)} of ${f(r.total)} answers were not ${status}`;
};

module.exports = [
  {
    id: 'tickets',
    server: 'pointdesk',
    label: 'POST /api/tickets',
    requests: (ctx) => jsonPost('/api/tickets', ctx.seed.agentToken, ticketBody(ctx)),
    before: lastTicketId,
    after: ticketsWritten,
    note: (r, all) => {
      const bare = all['tickets-bare'];
      if (!bare) return 'bare: not run';
      const floor = all['floor-post'] ? `; refused before any database work: ratio ${ratio(all['floor-post'], bare).toFixed(2)}` : '';
      return `bare: ${Math.round(bare.rps).toLocaleString('en-US')} req/s → ratio ${ratio(r, bare).toFixed(2)}${floor}`;
    },
    targets: [
      { what: 'calls/s', unit: 'req/s', value: (r) => r.rps, min: 1300 },
      { what: 'ratio to bare', unit: '', value: (r, all) => ratio(r, all['tickets-bare']), min: 0.5 },
      { what: 'p99', unit: 'ms', value: (r) => r.p99, max: 50 },
    ],
  },
  {
    id: 'search',
    server: 'pointdesk',
    label: 'GET /api/accounts?q=',
    requests: searchRequests,
    note: (r, all, ctx) => `${ctx.seed.accountIds.length.toLocaleString('en-US')} accounts`,
    targets: [{ what: 'p99', unit: 'ms', value: (r) => r.p99, max: 20 }],
  },
  // What one agent typing sees: the same search from a single connection, no queue in front of it.
  {
    id: 'search-1',
    server: 'pointdesk',
    label: 'GET /api/accounts?q= (1 conn.)',
    connections: 1,
    requests: searchRequests,
    note: (r, all, ctx) => `${ctx.seed.accountIds.length.toLocaleString('en-US')} accounts, one connection`,
    targets: [{ what: 'p99', unit: 'ms', value: (r) => r.p99, max: 20 }],
  },
  // The floors: Pointdesk's own stack on this machine under the same
  // 32-connection load, with no database work. They split a miss in two: what
  // the framework costs before a handler runs, and what the handler adds.
  {
    id: 'floor-post',
    server: 'pointdesk',
    label: 'POST /api/tickets → 400',
    // Refused by validation (channel): HTTP, helmet, request id, token check, idempotency and validation run; no handler, no database.
    requests: (ctx) => jsonPost('/api/tickets', ctx.seed.agentToken, () => ({ ...ticketBody(ctx)(), channel: 'fax' })),
    describe: describeFloor,
    after: allAnswered('floor-post', 400),
    note: (r, all) => {
      const bare = all['tickets-bare'];
      return `no handler, no database work${bare ? `: ratio to bare ${ratio(r, bare).toFixed(2)}` : ''}`;
    },
    targets: [],
  },
  {
    id: 'floor-get',
    server: 'pointdesk',
    label: 'GET /api/policy',
    // The policy is read from the process's cache: token check, route, JSON and ETag, no database.
    requests: (ctx) => [{ method: 'GET', path: '/api/policy', headers: { authorization: `Bearer ${ctx.seed.agentToken}` } }],
    describe: describeFloor,
    after: allAnswered('floor-get', 200),
    note: () => 'no database work: the lowest latency any GET has under this load',
    targets: [],
  },
  {
    id: 'tickets-bare',
    server: 'bare',
    label: 'bare POST /tickets',
    requests: (ctx) => jsonPost('/tickets', null, ticketBody(ctx)),
    before: lastTicketId,
    after: ticketsWritten,
    note: () => 'node:http + mysql2, same 3 statements',
    targets: [],
  },
  {
    id: 'mail',
    server: 'pointdesk-mail',
    label: 'outbox → SMTP sink',
    measure: measureMailRate,
    describe: (r) => `${f(r.rps)} emails/s  (${f(r.sent)} sent in ${r.seconds.toFixed(1)} s, ${f(r.failed)} failed, ` +
      `${f(r.pending)} left; sink received ${f(r.received)}, ${f(r.duplicates)} twice)`,
    note: () => 'queued straight into the outbox; scheduler with default OUTBOX_POLL_MS / OUTBOX_BATCH_SIZE',
    targets: [
      { what: 'emails/s', unit: '/s', value: (r) => r.rps, min: 200 },
      { what: 'duplicates', unit: '', value: (r) => r.duplicates, max: 1 },
    ],
  },
  // The same load on the same server and database with the sender idle,
  // busy with a backlog it cannot finish, and idle again.
  {
    id: 'tickets-mailing',
    server: 'pointdesk-mail',
    label: 'POST /api/tickets+mail',
    measure: measureMailingSlowdown,
    describe: (r) => `${f(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx + r.alone.non2xx}; ` +
      `sender idle just before / after: ${f(r.alone.before.rps)} / ${f(r.alone.after.rps)} req/s → ${slowdown(r).toFixed(1)} % slower`,
    after: (ctx) => ctx.results['tickets-mailing'].checkLine,
    note: () => 'scheduler with default OUTBOX_POLL_MS / OUTBOX_BATCH_SIZE',
    targets: [
      { what: 'slowdown while sending', unit: '%', value: slowdown, max: 10 },
    ],
  },
  // After tickets-mailing, which removes what is left of its backlog, so the letter's emails queue behind nothing.
  {
    id: 'letter',
    server: 'pointdesk-campaign',
    label: 'letter to all accounts',
    measure: measureLetter,
    describe: (r) => `queued ${f(r.accounts)} accounts in ${r.queueSeconds.toFixed(1)} s (${f(r.accountsPerSecond)} accounts/s, ` +
      `CAMPAIGN_BATCH_SIZE=${r.batchSize} CAMPAIGN_BATCH_INTERVAL_MS=${r.intervalMs}); ` +
      `POST /send ${f(r.sendMs)} ms; ${f(r.sent)} emails delivered in ${r.deliverSeconds.toFixed(1)} s (${f(r.emailsPerSecond)} emails/s), ` +
      `${f(r.failed)} failed, ${f(r.pending)} left; letter ${r.status} after ${r.sentSeconds.toFixed(1)} s` +
      (r.backlogBefore ? `; ${f(r.backlogBefore)} other emails were pending in the outbox` : ''),
    after: (ctx) => ctx.results.letter.checkLine,
    note: (r) => `grant ${r.grantPoints} points each; default OUTBOX_POLL_MS / OUTBOX_BATCH_SIZE`,
    targets: [
      { what: 'queuing', unit: 's', value: (r) => r.queueSeconds, max: 10 },
      { what: 'emails/s', unit: '/s', value: (r) => r.emailsPerSecond, min: 200 },
      { what: 'wrong counts', unit: '', value: (r) => r.wrong, max: 1 },
    ],
  },
  // Issue 6: at 1,000,000 tickets and 5,000,000 ledger entries every report and the dashboard answer in < 1 s, search in < 20 ms p99.
  {
    id: 'reports',
    server: 'pointdesk-scale',
    label: 'reports (large data)',
    ownDatabase: true,
    skip: skipReason,
    measure: measureReports,
    describe: describeReports,
    note: (r) => `${f(r.marker.tickets)} tickets, ${f(r.marker.entries)} ledger entries, ${f(r.marker.accounts)} accounts`,
    targets: [
      ...reportRequests().map((q) => ({ what: `${q.label} p99`, unit: 'ms', value: (r) => reportP99(r, q.id), max: 1000 })),
      { what: 'search p99', unit: 'ms', value: (r) => r.search.p99, max: 20 },
      { what: 'search p99, 1 connection', unit: 'ms', value: (r) => r.single.p99, max: 20 },
    ],
  },
];
