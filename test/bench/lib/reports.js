'use strict';

/**
 * The `reports` scenario: Pointdesk on the large dataset of `npm run bench:data`
 * (BENCH_SCALE_DATABASE_URL). Each report is requested `cfg.reportRequests`
 * times in a row, one at a time, by a manager (API: bearer token; console
 * dashboard: the session cookie of a real console login); the latency of a
 * request is until its whole body has arrived. The first request is counted
 * too (it is the one a manager opening the dashboard in the morning waits
 * for) and shown on its own. Then account search under load (autocannon, as
 * the `search` scenario) on the same database.
 */

const { performance } = require('node:perf_hooks');
const { ApiClient } = require('./http');
const { Faker } = require('./fixtures');
const { measure } = require('./load');
const { STAFF, scaleDatabase, readMarker } = require('./scale-data');

const write = (line) => process.stdout.write(`${line}\n`);
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * The requests, in the order they run. `auth`: 'api' (manager's bearer
 * token) or 'console' (manager's console session cookie). `type`: the
 * content type the answer must have.
 */
function reportRequests(now = Date.now()) {
  // from/to are UTC calendar days, both inclusive: the last n days are today and the n - 1 before it.
  const from = (days) => day(now - (days - 1) * 86_400_000);
  const to = day(now);
  return [
    { id: 'summary-all', label: 'summary, all time', path: '/api/reports/summary', type: 'application/json' },
    { id: 'summary-30d', label: 'summary, last 30 days', path: `/api/reports/summary?from=${from(30)}&to=${to}`, type: 'application/json' },
    { id: 'summary-1y', label: 'summary, last year', path: `/api/reports/summary?from=${from(365)}&to=${to}`, type: 'application/json' },
    { id: 'top-90d', label: 'top-accounts, 90 days', path: '/api/reports/top-accounts?days=90&limit=10', type: 'application/json' },
    { id: 'migration', label: 'migration', path: '/api/reports/migration', type: 'application/json' },
    { id: 'summary-csv', label: 'summary CSV, all time', path: '/api/reports/summary?format=csv', type: 'text/csv' },
    { id: 'top-csv', label: 'top-accounts CSV', path: '/api/reports/top-accounts?days=90&limit=10&format=csv', type: 'text/csv' },
    { id: 'migration-csv', label: 'migration CSV', path: '/api/reports/migration?format=csv', type: 'text/csv' },
    { id: 'dashboard-api', label: 'dashboard (API)', path: '/api/reports/dashboard', type: 'application/json' },
    { id: 'dashboard-console', label: 'dashboard (console)', path: '/console/dashboard', type: 'text/html', auth: 'console' },
  ];
}

/** Why the scenario cannot run (no finished dataset), or null. */
async function skipReason(ctx) {
  const db = scaleDatabase();
  const marker = await readMarker(db);
  if (marker.missing) return `${marker.missing}; generate it with \`npm run bench:data\` (BENCH_SCALE_DATABASE_URL=${db.url})`;
  ctx.scale = { db, marker };
  return null;
}

/** All `set-cookie` values of a response as `name=value` pairs. */
function cookiesOf(res) {
  const list = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
  return list.map((c) => c.split(';')[0]);
}

/**
 * Logs in to the console as a person does (login form, its CSRF token and
 * cookies, POST) and returns the Cookie header for console pages.
 */
async function consoleSession(baseUrl, user) {
  const page = await fetch(`${baseUrl}/console/login`, { redirect: 'manual' });
  const html = await page.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html);
  if (page.status !== 200 || !token) throw new Error(`GET /console/login answered ${page.status} without a CSRF token`);
  const jar = new Map(cookiesOf(page).map((c) => c.split('=', 2)));
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(`${baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ email: user.email, password: user.password, _csrf: token[1] }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`POST /console/login answered ${res.status}, expected 303`);
  for (const c of cookiesOf(res)) {
    const [k, v] = c.split('=', 2);
    jar.set(k, v);
  }
  return cookie();
}

/** Nearest-rank percentile of sorted values (p99 of 10 requests is the slowest). */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Times `count` sequential GETs of one report. Stops at the first wrong
 * answer: `status` (404 = the endpoint does not exist in this build) and a
 * note say what was wrong.
 */
async function timeReport(baseUrl, r, headers, count) {
  const times = [];
  let bytes = 0;
  for (let k = 0; k < count; k++) {
    const t0 = performance.now();
    const res = await fetch(baseUrl + r.path, { headers, redirect: 'manual', signal: AbortSignal.timeout(120_000) });
    const body = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t0;
    const type = res.headers.get('content-type') || '';
    if (res.status !== 200 || !type.startsWith(r.type)) {
      const where = res.headers.get('location');
      return {
        status: res.status, times,
        note: `${res.status} ${type.split(';')[0] || 'no content type'}${where ? ` → ${where}` : ''}: ${body.toString('utf8', 0, 160).replace(/\s+/g, ' ')}`,
      };
    }
    bytes = body.length;
    times.push(ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { status: 200, times, first: times[0], p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], bytes };
}

const fmt = (ms) => (ms === undefined ? '–' : ms < 10 ? ms.toFixed(1) : Math.round(ms).toLocaleString('en-US'));

/** One line of the report table. */
function reportLine(label, m) {
  if (m.status !== 200) return `${label.padEnd(24)} ${m.status === 404 ? 'not found (endpoint not in this build)' : 'FAILED'}  ${m.note}`;
  return `${label.padEnd(24)} first ${fmt(m.first).padStart(6)} ms  p50 ${fmt(m.p50).padStart(6)} ms  p99 ${fmt(m.p99).padStart(6)} ms  ` +
    `max ${fmt(m.max).padStart(6)} ms  (${m.times.length} requests, ${m.bytes.toLocaleString('en-US')} bytes)`;
}

async function measureReports(ctx, server) {
  const { cfg } = ctx;
  const { marker, db } = ctx.scale;
  const ageDays = (Date.now() - Date.parse(marker.generatedAt)) / 86_400_000;
  write(`  dataset ${db.name}: ${marker.accounts.toLocaleString('en-US')} accounts, ${marker.tickets.toLocaleString('en-US')} tickets, ` +
    `${marker.entries.toLocaleString('en-US')} ledger entries over ${marker.days} days, generated ${marker.generatedAt}` +
    (ageDays > 7 ? ` (${Math.floor(ageDays)} days ago: the last-30-days windows hold less)` : ''));

  const api = new ApiClient(server.url);
  const { accessToken: managerToken } = await api.login(STAFF.manager.email, STAFF.manager.password);
  const { accessToken: agentToken } = await api.login(STAFF.agent.email, STAFF.agent.password);
  let consoleCookie = null;
  let consoleError = null;
  try {
    consoleCookie = await consoleSession(server.url, STAFF.manager);
  } catch (err) {
    consoleError = err.message;
  }

  const reports = {};
  write(`  ${cfg.reportRequests} sequential requests per report (the first included), as ${STAFF.manager.email}:`);
  for (const r of reportRequests()) {
    let m;
    if (r.auth === 'console' && !consoleCookie) {
      m = { status: 0, times: [], note: `no console session: ${consoleError}` };
    } else {
      const headers = r.auth === 'console' ? { cookie: consoleCookie, accept: 'text/html' } : { authorization: `Bearer ${managerToken}` };
      m = await timeReport(server.url, r, headers, cfg.reportRequests);
    }
    reports[r.id] = { ...m, label: r.label, path: r.path };
    write(`    ${reportLine(r.label, m)}`);
  }

  // Account search while the big tables share the buffer pool: the `search` scenario's load on this database.
  const faker = new Faker(marker.seed);
  const specs = Array.from({ length: marker.accounts }, (_, i) => faker.account(i + 1));
  const fragments = faker.fragments(specs, 2000);
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const searchLoad = (connections) => {
    write(`  GET /api/accounts?q= (agent): autocannon, ${connections} connection${connections === 1 ? '' : 's'}, ${cfg.warmup} s warm-up + ${cfg.duration} s …`);
    return measure({
      url: server.url,
      connections,
      duration: cfg.duration,
      warmup: cfg.warmup,
      makeRequests: () => [{
        method: 'GET',
        path: '/api/accounts',
        headers: { authorization: `Bearer ${agentToken}` },
        setupRequest: (req) => ({ ...req, path: `/api/accounts?q=${encodeURIComponent(pick(fragments))}` }),
      }],
    });
  };
  const search = await searchLoad(cfg.connections);
  // The same search from one agent at a time: latency without queueing behind the others.
  const single = await searchLoad(1);
  write(`    search, 1 connection: ${Math.round(single.rps).toLocaleString('en-US')} req/s  p50 ${fmt(single.p50)} ms  p99 ${fmt(single.p99)} ms  max ${fmt(single.maxLatency)} ms`);
  const failures = search.non2xx + search.errors;
  write(`    search: ${Math.round(search.rps).toLocaleString('en-US')} req/s  p50 ${fmt(search.p50)} ms  p99 ${fmt(search.p99)} ms  ` +
    `max ${fmt(search.maxLatency)} ms  non-2xx ${search.non2xx}${failures ? ` [status ${JSON.stringify(search.statusCodes)}, errors ${search.errors}]` : ''}`);

  return { rps: search.rps, reports, search, single, marker };
}

/**
 * The value a target compares: the report's p99, undefined (n/a) when this
 * build has no such endpoint, Infinity (a miss) when it answered wrongly.
 */
function reportP99(r, id) {
  const m = r.reports[id];
  if (!m || m.status === 404) return undefined;
  return m.status === 200 ? m.p99 : Infinity;
}

/** The result line: the slowest report and search. */
function describeReports(r) {
  const ok = Object.values(r.reports).filter((m) => m.status === 200);
  const slowest = ok.sort((a, b) => b.p99 - a.p99)[0];
  const missing = Object.values(r.reports).filter((m) => m.status === 404).length;
  const failed = Object.values(r.reports).filter((m) => m.status !== 200 && m.status !== 404).length;
  return `${ok.length} reports answered` + (slowest ? `, slowest ${slowest.label} p99 ${fmt(slowest.p99)} ms` : '') +
    (missing ? `, ${missing} not in this build` : '') + (failed ? `, ${failed} FAILED` : '') +
    `; search ${Math.round(r.search.rps).toLocaleString('en-US')} req/s p50 ${fmt(r.search.p50)} ms p99 ${fmt(r.search.p99)} ms`;
}

module.exports = { reportRequests, skipReason, measureReports, reportP99, describeReports, consoleSession };
