'use strict';

/**
 * `npm run bench:data`: fills a MariaDB database with a large, consistent
 * Pointdesk dataset for the `reports` bench scenario (issue 6: 1,000,000
 * tickets and 5,000,000 ledger entries).
 *
 * The schema is the app's own: the built migrations are applied through the
 * app's migration runner (dist/, hence `npm run build` first). The rows are
 * then written straight through mysql2 in multi-row INSERTs — a data
 * generator, not app code — following the app's rules so every report sees
 * data the app could have written:
 *  - accounts are the bench's usual fake companies (lib/fixtures.js, same
 *    seed as the API-seeded bench, so the search fragments match), with
 *    contacts and the app's own search terms (dist searchTermsFor);
 *  - tickets are charged as TicketsService would under the policy it sets
 *    (phone and email chargeable, 1 point per incident or the incident type's,
 *    shadow mode — waived — before enforce_from, a 75.00 fee on a shortfall,
 *    a 1-point goodwill bonus for provider faults); a ticket is created with
 *    charge_version 0 and resolved with 1, and a classification made or
 *    changed at resolution refunds / reverses and re-applies with the v1
 *    idempotency keys;
 *  - every balance change is a ledger row in time order with the account's
 *    running balance_after, no balance ever goes below 0, and
 *    point_balances is the sum of the account's deltas;
 *  - purchases (bundle "buy5get6") are bought when balances run low, paid
 *    (purchase_payments, applied) by card or transfer, and credited when
 *    paid; two announcement letters (recipients, grants, outbox emails) move
 *    accounts from legacy to notified / enrolled; monthly bulk grants go to
 *    the busiest callers; some accounts close, more after the first letter.
 *
 * Ticket-caused entries come to about one per ticket; the rest of the
 * requested ledger size is made of small manual grants and adjustments
 * (±1–2 points, by the manager) spread over the same two years.
 *
 * Bulk loading: unique_checks and foreign_key_checks are off for the loading
 * sessions, and the secondary indexes and foreign keys of the big tables are
 * dropped first and re-added at the end (a sorted index build instead of
 * millions of random B-tree inserts into a small buffer pool). The result is
 * checked against SHOW CREATE TABLE before the drop, so the schema stays
 * exactly what the migrations made.
 *
 * Usage: see USAGE below or `node test/bench/generate-data.js --help`.
 */

const path = require('node:path');
const { existsSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const mysql = require('mysql2/promise');
const benchCfg = require('./lib/config');
const { Faker, prng } = require('./lib/fixtures');
const { STAFF, MARKER_PREFIX, scaleDatabase, connect, readMarker } = require('./lib/scale-data');

const USAGE = `Usage: npm run bench:data [-- --force] [--accounts=N] [--tickets=N] [--entries=N] [--days=N] [--seed=N]

Creates the database named by BENCH_SCALE_DATABASE_URL (default
mysql://root@127.0.0.1:3306/pd_bench_scale), applies Pointdesk's migrations
(from dist/: npm run bench:data builds first) and fills it with
  --accounts  accounts with 1–2 contacts and search terms   (default 10000)
  --tickets   tickets over the last --days days             (default 1000000)
  --entries   ledger entries                                (default 5000000)
  --days      length of the history                         (default 730)
  --seed      fake-data seed (default BENCH_SEED or ${benchCfg.seed})
A database that already exists is left alone unless --force is given
(then it is dropped and generated again).`;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { force: false, accounts: 10_000, tickets: 1_000_000, entries: 5_000_000, days: 730, seed: benchCfg.seed };
  const limits = { accounts: [10, 1_000_000], tickets: [0, 50_000_000], entries: [0, 200_000_000], days: [30, 3650], seed: [0, 2 ** 32 - 1] };
  for (const arg of argv) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (arg === '--help' || arg === '-h') exit(0, USAGE);
    if (arg === '--force') { opts.force = true; continue; }
    const n = m && m[2] !== undefined ? Number(m[2].replace(/_/g, '')) : NaN;
    if (!m || !(m[1] in limits) || !Number.isInteger(n) || n < limits[m[1]][0] || n > limits[m[1]][1]) {
      exit(2, `bench:data: unknown or invalid argument ${arg}\n\n${USAGE}`);
    }
    opts[m[1]] = n;
  }
  return opts;
}

function exit(code, message) {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}

const log = (msg = '') => process.stdout.write(`${msg}\n`);
const int = (n) => Math.round(n).toLocaleString('en-US');

/** A module of the built app (dist/), e.g. the migration runner. */
function fromDist(rel) {
  const file = path.join(benchCfg.root, 'dist', rel);
  if (!existsSync(file)) throw new Error(`${file} not found: run "npm run build" first (npm run bench:data does)`);
  return require(file);
}

// ---------------------------------------------------------------- SQL helpers

/** 'YYYY-MM-DD HH:MM:SS.mmm' UTC, as TypeORM stores DATETIME(3). */
function ts(ms) {
  return `'${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}'`;
}
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
/** A quoted SQL string (escaped only when it needs to be: most strings here are plain). */
const sq = (s) => (s === null || s === undefined ? 'NULL' : /['"\\\0\n\r\x1a]/.test(s) ? mysql.escape(s) : `'${s}'`);
const n = (v) => (v === null || v === undefined ? 'NULL' : String(v));

/**
 * Buffers rows of one table and sends them as multi-row INSERTs on its own
 * connection, one statement in flight at a time; `throttle` lets the
 * generator wait when MariaDB falls behind, so memory stays bounded.
 */
class TableWriter {
  constructor(conn, table, columns, { rowsPerStatement = 5000, ignore = false } = {}) {
    this.conn = conn;
    this.table = table;
    this.head = `INSERT ${ignore ? 'IGNORE ' : ''}INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES `;
    this.rowsPerStatement = rowsPerStatement;
    this.rows = [];
    this.count = 0;
    this.tail = Promise.resolve();
    this.pending = [];
  }

  add(values) {
    this.rows.push(`(${values})`);
    this.count++;
    if (this.rows.length >= this.rowsPerStatement) this.send();
  }

  send() {
    if (!this.rows.length) return;
    const sql = this.head + this.rows.join(',');
    this.rows = [];
    const p = this.tail.then(() => this.conn.query(sql));
    p.catch(() => undefined); // handled when awaited in throttle/finish
    this.tail = p.catch(() => undefined);
    this.pending.push(p);
  }

  async throttle(maxQueued = 2) {
    while (this.pending.length > maxQueued) await this.pending.shift();
  }

  async finish() {
    this.send();
    while (this.pending.length) await this.pending.shift();
  }
}

/**
 * Drops a table's secondary indexes and foreign keys for the load, keeping
 * their definitions (SHOW CREATE TABLE lines) to add them back afterwards.
 */
async function stripIndexes(conn, table) {
  const [[row]] = await conn.query(`SHOW CREATE TABLE \`${table}\``);
  const ddl = row['Create Table'];
  const lines = ddl.split('\n').map((l) => l.trim().replace(/,$/, ''));
  const keys = lines.filter((l) => /^(UNIQUE )?KEY `/.test(l));
  const fks = lines.filter((l) => /^CONSTRAINT `[^`]+` FOREIGN KEY/.test(l));
  const name = (l) => /`([^`]+)`/.exec(l)[1];
  if (fks.length) await conn.query(`ALTER TABLE \`${table}\` ${fks.map((l) => `DROP FOREIGN KEY \`${name(l)}\``).join(', ')}`);
  if (keys.length) await conn.query(`ALTER TABLE \`${table}\` ${keys.map((l) => `DROP KEY \`${name(l)}\``).join(', ')}`);
  return { table, ddl, keys, fks };
}

const normalisedDdl = (ddl) => ddl.replace(/ AUTO_INCREMENT=\d+/, '').split('\n').map((l) => l.trim().replace(/,$/, '')).sort().join('\n');

/** Adds back what stripIndexes dropped (indexes built sorted, in one ALTER) and checks the table is as before. */
async function restoreIndexes(conn, saved) {
  const { table, ddl, keys, fks } = saved;
  if (keys.length) await conn.query(`ALTER TABLE \`${table}\` ${keys.map((l) => `ADD ${l}`).join(', ')}`);
  // foreign_key_checks=0 in this session: the constraint is added without re-reading every row.
  if (fks.length) await conn.query(`ALTER TABLE \`${table}\` ${fks.map((l) => `ADD ${l}`).join(', ')}`);
  const [[row]] = await conn.query(`SHOW CREATE TABLE \`${table}\``);
  if (normalisedDdl(row['Create Table']) !== normalisedDdl(ddl)) {
    throw new Error(`${table}: the schema after the load differs from the migrations'\nbefore:\n${ddl}\nafter:\n${row['Create Table']}`);
  }
}

// ---------------------------------------------------------------- small tools

/** Min-heap of events by time (ties in insertion order). */
class EventHeap {
  constructor() {
    this.items = [];
    this.seq = 0;
  }

  get size() {
    return this.items.length;
  }

  less(a, b) {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  push(ev) {
    ev.seq = this.seq++;
    const h = this.items;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function makeRandom(seed) {
  const random = prng(seed);
  const r = {
    next: random,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    chance: (p) => random() < p,
    pick: (list) => list[Math.floor(random() * list.length)],
    between: (a, b) => a + random() * (b - a),
    /** Standard normal (Box–Muller). */
    normal: () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
    weighted(items) {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let x = random() * total;
      for (const [item, w] of items) {
        x -= w;
        if (x < 0) return item;
      }
      return items[items.length - 1][0];
    },
  };
  return r;
}

/** Splits `total` over `weights` in whole numbers that add up exactly (largest remainders). */
function allocate(total, weights) {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => [v - Math.floor(v), i]).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

// ---------------------------------------------------------------- fixed content

const CLOSE_REASONS = [
  'Moved to a competitor after the new support terms', 'Business closed down', 'Merged with another client',
  'Does not want to pay for support calls', 'Switched to an in-house IT person', 'Retired; practice sold',
];
const GRANT_REASONS = [
  'Goodwill after the outage', 'Training session credit', 'Loyalty points', 'Compensation for a late callback',
  'Credit for the referral', 'Points for the beta feedback',
];
const ADJUST_DOWN = ['Correction: call booked twice', 'Correction: points granted in error', 'Correction: duplicate credit'];
const ADJUST_UP = ['Correction: call was covered by the warranty', 'Correction: missing credit from the old system'];
const DETAILS = [
  'Caller says it worked yesterday.', 'Happens on two of their machines.', 'Urgent: month-end closing this week.',
  'Screenshot sent by email.', 'Started after the latest update.', 'Caller will be available after 2 pm.',
];
const BUNDLE = { id: 1, description: 'Buy 5 get 6', points: 6 };
const POLICY = { chargeable: ['phone', 'email'], defaultPoints: 1, bonusPoints: 1, feeCents: 7500, threshold: 1, currency: 'USD' };
const CHANNELS = [['phone', 60], ['email', 25], ['portal', 15]];
const PRIORITIES = [['normal', 85], ['priority', 12], ['emergency', 3]];
const MONTH_BULK_GRANT_MIN_INCIDENTS = 8;

// ---------------------------------------------------------------- the generator

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const db = scaleDatabase();
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

  log(`bench:data → ${db.url}`);
  log(`  ${int(opts.accounts)} accounts, ${int(opts.tickets)} tickets, ${int(opts.entries)} ledger entries over ${opts.days} days, seed ${opts.seed}`);

  // 1. A fresh database (or refuse).
  const admin = await connect(db);
  try {
    const [exists] = await admin.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db.name]);
    if (exists.length) {
      const marker = await readMarker(db);
      const what = marker.missing ? 'an unfinished or foreign database' : `a generated dataset (${int(marker.tickets)} tickets, ${int(marker.entries)} entries, ${marker.generatedAt})`;
      if (!opts.force) exit(1, `bench:data: ${db.name} already exists and holds ${what}; use --force to drop and generate it again.`);
      log(`  dropping ${db.name} (--force; it held ${what})`);
      await admin.query(`DROP DATABASE \`${db.name}\``);
    }
    await admin.query(`CREATE DATABASE \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }

  // 2. The app's schema, applied by the app's migration runner exactly as at start-up.
  {
    const { DataSource } = require('typeorm');
    const { dataSourceOptions } = fromDist('src/common/database/data-source-options.js');
    const { runMigrations } = fromDist('src/common/database/migrate.js');
    const ds = new DataSource(dataSourceOptions({ type: 'mysql', url: db.url, poolSize: 2 }));
    await ds.initialize();
    try {
      await runMigrations(ds);
    } finally {
      await ds.destroy();
    }
    log(`  migrations applied (${elapsed()})`);
  }

  const { hashPassword } = fromDist('src/auth/password-hasher.js');
  const { searchTermsFor } = fromDist('src/accounts/search-terms.js');
  const demo = fromDist('src/scripts/demo-data.js');

  const connections = [];
  const open = async () => {
    const c = await connect(db, true, { multipleStatements: false });
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    connections.push(c);
    return c;
  };
  const conn = await open();
  const stripped = [];
  try {
    for (const t of ['tickets', 'ledger_entries', 'account_search_terms']) stripped.push(await stripIndexes(conn, t));

    const W = {
      users: new TableWriter(conn, 'users', ['id', 'email', 'name', 'role', 'account_id', 'password_hash', 'active', 'created_at']),
      types: new TableWriter(conn, 'incident_types', ['id', 'code', 'name', 'points', 'active', 'created_at']),
      accounts: new TableWriter(await open(), 'accounts', ['id', 'name', 'customer_since', 'favoured', 'status', 'policy_status', 'created_at', 'closed_at', 'close_reason'], { rowsPerStatement: 2000 }),
      contacts: new TableWriter(await open(), 'contacts', ['id', 'account_id', 'name', 'email', 'phone', 'created_at'], { rowsPerStatement: 2000 }),
      terms: new TableWriter(await open(), 'account_search_terms', ['account_id', 'term'], { rowsPerStatement: 10000, ignore: true }),
      tickets: new TableWriter(await open(), 'tickets', ['id', 'account_id', 'channel', 'priority', 'subject', 'description', 'incident_type_id', 'fault', 'status',
        'charge_kind', 'charge_points', 'charge_fee_cents', 'bonus_points', 'charge_version', 'created_by_id', 'created_at', 'resolved_at', 'resolution'], { rowsPerStatement: 3000 }),
      ledger: new TableWriter(await open(), 'ledger_entries', ['id', 'account_id', 'delta', 'balance_after', 'kind', 'reason', 'ticket_id', 'purchase_id',
        'letter_id', 'actor_id', 'idempotency_key', 'created_at'], { rowsPerStatement: 5000 }),
      purchases: new TableWriter(conn, 'purchases', ['id', 'invoice_number', 'account_id', 'bundle_id', 'description', 'quantity', 'points', 'amount_cents',
        'paid_cents', 'currency', 'status', 'created_by', 'created_at', 'paid_at', 'cancelled_at'], { rowsPerStatement: 3000 }),
      payments: new TableWriter(conn, 'purchase_payments', ['id', 'purchase_id', 'amount_cents', 'method', 'reference', 'external_id', 'actor_id', 'applied', 'created_at'], { rowsPerStatement: 3000 }),
      letters: new TableWriter(conn, 'letters', ['id', 'title', 'subject', 'body', 'audience', 'grant_points', 'status', 'created_by', 'approved_by', 'sent_by',
        'created_at', 'updated_at', 'approved_at', 'send_started_at', 'sent_at']),
      recipients: new TableWriter(conn, 'letter_recipients', ['id', 'letter_id', 'account_id', 'status', 'emails', 'claim', 'processed_at'], { rowsPerStatement: 3000 }),
      outbox: new TableWriter(conn, 'notifications', ['id', 'kind', 'account_id', 'to_address', 'subject', 'body_text', 'body_html', 'status', 'attempts',
        'next_attempt_at', 'claim_token', 'lease_until', 'last_error', 'dedupe_key', 'created_at', 'sent_at', 'letter_id'], { rowsPerStatement: 1000 }),
      batches: new TableWriter(conn, 'grant_batches', ['id', 'points', 'reason', 'audience', 'status', 'created_by', 'created_at', 'finished_at']),
      batchAccounts: new TableWriter(conn, 'grant_batch_accounts', ['id', 'batch_id', 'account_id', 'status', 'claim', 'processed_at'], { rowsPerStatement: 3000 }),
      balances: new TableWriter(conn, 'point_balances', ['account_id', 'balance', 'updated_at'], { rowsPerStatement: 5000 }),
      audit: new TableWriter(conn, 'audit_log', ['id', 'actor_id', 'action', 'entity_type', 'entity_id', 'reason', 'before', 'after', 'created_at']),
    };

    const stats = await fill(opts, W, { hashPassword, searchTermsFor, demo }, conn, (line) => log(`  ${line} (${elapsed()})`));

    for (const w of Object.values(W)) await w.finish();
    log(`  rows written (${elapsed()}); rebuilding the indexes of ${stripped.map((s) => s.table).join(', ')} …`);
    for (const s of stripped.splice(0)) {
      const t0 = performance.now();
      await restoreIndexes(conn, s);
      log(`    ${s.table}: ${s.keys.length} indexes, ${s.fks.length} foreign keys in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    await conn.query('ANALYZE TABLE accounts, contacts, account_search_terms, tickets, ledger_entries, point_balances, purchases, purchase_payments, ' +
      'letters, letter_recipients, notifications, grant_batches, grant_batch_accounts, audit_log, users');
    log(`  indexes rebuilt and statistics analysed (${elapsed()})`);

    // 3. Totals and a consistency check, then the marker that says "finished".
    const counts = {};
    for (const t of ['accounts', 'contacts', 'account_search_terms', 'tickets', 'ledger_entries', 'point_balances', 'purchases', 'purchase_payments',
      'letters', 'letter_recipients', 'notifications', 'grant_batches', 'grant_batch_accounts', 'audit_log', 'users']) {
      const [[r]] = await conn.query(`SELECT COUNT(*) AS n FROM \`${t}\``);
      counts[t] = Number(r.n);
    }
    const [kinds] = await conn.query('SELECT kind, COUNT(*) AS n, SUM(delta) AS points FROM ledger_entries GROUP BY kind ORDER BY kind');
    const [[bad]] = await conn.query(
      'SELECT COUNT(*) AS n FROM point_balances b LEFT JOIN (SELECT account_id, SUM(delta) AS s FROM ledger_entries GROUP BY account_id) l ' +
      'ON l.account_id = b.account_id WHERE COALESCE(l.s, 0) <> b.balance OR b.balance < 0');
    if (Number(bad.n) !== 0) throw new Error(`${bad.n} accounts whose point_balances differ from the sum of their ledger entries`);
    const [ticketMix] = await conn.query('SELECT fault, charge_kind, COUNT(*) AS n FROM tickets GROUP BY fault, charge_kind ORDER BY fault, charge_kind');

    const seconds = (performance.now() - started) / 1000;
    const marker = {
      v: 1, seed: opts.seed, accounts: counts.accounts, tickets: counts.tickets, entries: counts.ledger_entries, days: opts.days,
      from: stats.windowStart, generatedAt: stats.now, firstLetter: stats.firstLetter, enforceFrom: stats.enforceFrom, seconds: Math.round(seconds),
    };
    await conn.query(`ALTER DATABASE \`${db.name}\` COMMENT = ?`, [MARKER_PREFIX + JSON.stringify(marker)]);

    log('');
    log(`Generated ${db.name} in ${seconds.toFixed(0)} s`);
    for (const [t, c] of Object.entries(counts)) log(`  ${t.padEnd(22)} ${int(c).padStart(11)}`);
    log('  ledger by kind:');
    for (const k of kinds) log(`    ${k.kind.padEnd(11)} ${int(Number(k.n)).padStart(11)} entries  ${int(Number(k.points)).padStart(11)} points`);
    log('  tickets by fault / charge:');
    for (const r of ticketMix) log(`    ${r.fault.padEnd(12)} ${r.charge_kind.padEnd(7)} ${int(Number(r.n)).padStart(9)}`);
    log(`  accounts: ${int(stats.closed)} closed (${int(stats.closedSinceFirstLetter)} since the first letter), policy ${JSON.stringify(stats.policy)}`);
    log(`  first letter sent ${stats.firstLetter}; policy enforced from ${stats.enforceFrom} (shadow mode before); point_balances = Σ ledger deltas for every account`);
    log(`  staff logins: ${Object.values(STAFF).map((s) => `${s.email} / ${s.password} (${s.role})`).join(', ')}`);
  } finally {
    // On failure the half-built database stays (no marker: the bench refuses it); --force replaces it.
    for (const c of connections) await c.end().catch(() => undefined);
  }
}

/**
 * Writes everything. Returns a few facts for the summary. `W` holds the
 * table writers; ids are assigned here, in time order.
 */
async function fill(opts, W, app, conn, progress) {
  const { hashPassword, searchTermsFor, demo } = app;
  const rnd = makeRandom((opts.seed ^ 0x5eed5eed) >>> 0);
  const N = opts.accounts;
  const D = opts.days;
  const now = Date.now();
  const today0 = Math.floor(now / DAY) * DAY;
  const windowStart = today0 - (D - 1) * DAY;
  const span = now - windowStart;
  // The story: two announcement letters two thirds into the history, the new terms enforced a month and a half later.
  const letterTimes = [windowStart + Math.floor(0.67 * span / DAY) * DAY + 9.5 * HOUR, windowStart + Math.floor(0.73 * span / DAY) * DAY + 9.5 * HOUR];
  const enforceFrom = day(windowStart + Math.floor(0.79 * span / DAY) * DAY);
  const before = (ms) => ms - 30 * DAY;

  // ---- staff, incident types, policy
  const staffIds = { admin: 1, manager: 2, agent: 3 };
  let userId = 0;
  for (const key of ['admin', 'manager', 'agent']) {
    const s = STAFF[key];
    W.users.add([++userId, sq(s.email), sq(s.name), sq(s.role), 'NULL', sq(await hashPassword(s.password)), 1, ts(before(windowStart))].join(','));
  }
  const unusable = await hashPassword(`unusable-${rnd.next()}`);
  const agents = [staffIds.agent];
  for (let i = 1; i <= 9; i++) {
    agents.push(++userId);
    W.users.add([userId, sq(`agent${i}@pointdesk.example`), sq(`Agent ${i}`), "'agent'", 'NULL', sq(unusable), 1, ts(before(windowStart))].join(','));
  }
  const types = demo.DEMO_INCIDENT_TYPES.map((t, i) => ({ ...t, id: i + 1 }));
  const typeWeights = types.map((t) => [t, t.weight]);
  for (const t of types) W.types.add([t.id, sq(t.code), sq(t.name), t.points, 1, ts(before(windowStart))].join(','));
  await conn.query(
    'UPDATE policies SET chargeable_channels = ?, default_incident_points = ?, provider_fault_bonus_points = ?, low_balance_threshold = ?, ' +
    'per_incident_fee_cents = ?, currency = ?, on_shortfall = ?, enforce_from = ?, updated_at = ? WHERE id = 1',
    [POLICY.chargeable.join(','), POLICY.defaultPoints, POLICY.bonusPoints, POLICY.threshold, POLICY.feeCents, POLICY.currency, 'fee', enforceFrom,
      new Date(letterTimes[0] - 2 * DAY)],
  );
  await conn.query('UPDATE bundles SET price_cents = 5 * ?, currency = ? WHERE id = ?', [POLICY.feeCents, POLICY.currency, BUNDLE.id]);
  const bundlePrice = 5 * POLICY.feeCents;

  // ---- accounts (the bench's usual fake companies, same seed as the API seeding)
  const faker = new Faker(opts.seed);
  const createdAt = new Float64Array(N);
  const closedAt = new Float64Array(N).fill(Infinity);
  const weight = new Float64Array(N);
  const balance = new Int32Array(N);
  const lastChange = new Float64Array(N);
  const purchasePending = new Uint8Array(N);
  const favoured = new Uint8Array(N);
  const policyStatus = new Array(N).fill('legacy');
  const contactsOf = new Array(N);
  const customerSince = new Array(N);
  const closeReason = new Array(N).fill(null);
  const accountName = new Array(N);
  let contactId = 0;
  for (let i = 0; i < N; i++) {
    const spec = faker.account(i + 1);
    const imported = rnd.chance(0.85);
    createdAt[i] = Math.floor(imported ? windowStart - rnd.between(1, 400) * DAY : windowStart + rnd.between(0, span - 30 * DAY));
    customerSince[i] = imported ? spec.customerSince : day(createdAt[i]);
    favoured[i] = spec.favoured ? 1 : 0;
    // Who calls how much: log-normal, so a few accounts call a lot.
    weight[i] = Math.exp(1.1 * rnd.normal()) * (favoured[i] ? 1.5 : 1);
    // Clients leave now and then, more of them once the letters announce paid support.
    const earliest = Math.max(createdAt[i] + 30 * DAY, windowStart);
    if (rnd.chance(0.03) && earliest < letterTimes[0]) {
      closedAt[i] = Math.floor(rnd.between(earliest, letterTimes[0]));
    } else if (rnd.chance(0.08) && Math.max(earliest, letterTimes[0]) < now - DAY) {
      closedAt[i] = Math.floor(rnd.between(Math.max(earliest, letterTimes[0]), now - DAY));
    }
    if (closedAt[i] !== Infinity) closeReason[i] = rnd.pick(CLOSE_REASONS);
    lastChange[i] = createdAt[i];
    contactsOf[i] = spec.contacts.map((c) => ({ id: ++contactId, name: c.name, email: c.email, phone: c.phone ?? null }));
    for (const c of contactsOf[i]) W.contacts.add([c.id, i + 1, sq(c.name), sq(c.email), sq(c.phone), ts(createdAt[i])].join(','));
    for (const term of searchTermsFor(spec.name, contactsOf[i])) W.terms.add(`${i + 1},${sq(term)}`);
    accountName[i] = spec.name;
    await W.contacts.throttle();
    await W.terms.throttle();
  }
  const alive = (i, t) => createdAt[i] <= t && closedAt[i] > t;
  const cumulative = new Float64Array(N);
  for (let i = 0, s = 0; i < N; i++) cumulative[i] = s += weight[i];
  const totalWeight = cumulative[N - 1];
  const byWeight = () => {
    const x = rnd.next() * totalWeight;
    let lo = 0;
    let hi = N - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** An account open at `t`, by call weight (or uniformly). */
  function pickAccount(t, weighted) {
    for (let tries = 0; tries < 200; tries++) {
      const i = weighted ? byWeight() : Math.floor(rnd.next() * N);
      if (alive(i, t)) return i;
    }
    const start = Math.floor(rnd.next() * N);
    for (let k = 0; k < N; k++) if (alive((start + k) % N, t)) return (start + k) % N;
    return -1;
  }
  progress(`${int(N)} accounts, ${int(contactId)} contacts, ${int(W.terms.count)} search terms queued`);

  // ---- letters: audiences frozen at send time; recipients become notified, many enrol
  const letterDefs = [
    { id: 1, ...demo.DEMO_SENT_LETTER, at: letterTimes[0] },
    {
      id: 2, title: 'New support terms', subject: '{{account.name}}: our new support terms', grantPoints: 0,
      body: demo.DEMO_DRAFT_LETTER.body, audience: { favoured: false, customerSinceBefore: '2018-01-01' }, at: letterTimes[1],
    },
  ];
  const recipientOf = new Int8Array(N); // letter id (0: none)
  for (const L of letterDefs) {
    L.recipients = [];
    for (let i = 0; i < N; i++) {
      if (recipientOf[i] || !alive(i, L.at)) continue;
      if (L.audience.favoured !== undefined && Boolean(favoured[i]) !== L.audience.favoured) continue;
      if (L.audience.customerSinceBefore && !(customerSince[i] < L.audience.customerSinceBefore)) continue;
      recipientOf[i] = L.id;
      L.recipients.push(i);
    }
  }
  for (let i = 0; i < N; i++) {
    if (!recipientOf[i]) continue;
    const enrol = closedAt[i] !== Infinity ? 0.1 : favoured[i] ? 0.7 : 0.5;
    policyStatus[i] = rnd.chance(enrol) ? 'enrolled' : 'notified';
  }

  // ---- the timeline, day by day; every balance change goes through entry()
  let ledgerId = 0;
  let ticketId = 0;
  let purchaseId = 0;
  let paymentId = 0;
  let recipientId = 0;
  let outboxId = 0;
  let batchId = 0;
  let batchAccountId = 0;
  let fillerEntries = 0;
  const dayCounts = D * N <= 50_000_000 ? new Uint16Array(D * N) : null;

  function entry(i, delta, kind, reason, ticket, purchase, letter, actor, key, t) {
    balance[i] += delta;
    if (balance[i] < 0) throw new Error(`generator bug: account ${i + 1} below zero`);
    lastChange[i] = t;
    W.ledger.add(`${++ledgerId},${i + 1},${delta},${balance[i]},'${kind}',${sq(reason)},${n(ticket)},${n(purchase)},${n(letter)},${n(actor)},${key === null ? 'NULL' : `'${key}'`},${ts(t)}`);
  }

  const heap = new EventHeap();
  const later = new Map(); // day index → events scheduled for that day
  let dayEnd = 0;
  function schedule(ev) {
    if (ev.t >= now) return;
    if (ev.t < dayEnd) {
      heap.push(ev);
      return;
    }
    const d = Math.floor((ev.t - windowStart) / DAY);
    if (!later.has(d)) later.set(d, []);
    later.get(d).push(ev);
  }

  const ref = (id) => `PD-${String(id).padStart(6, '0')}`;
  const key = (id, v, kind) => `ticket:${id}:v${v}:${kind}`;

  /** TicketsService.apply: what the policy asks of a classification at `t`. */
  function apply(tk, version, fault, t, actor) {
    const i = tk.account;
    const cost = tk.type ? tk.type.points : POLICY.defaultPoints;
    if (fault === 'provider') {
      entry(i, POLICY.bonusPoints, 'bonus', `Goodwill for ${ref(tk.id)} (our fault)`, tk.id, null, null, actor, key(tk.id, version, 'bonus'), t);
      return { kind: 'none', points: 0, fee: 0, bonus: POLICY.bonusPoints };
    }
    if (fault !== 'client' || !POLICY.chargeable.includes(tk.channel) || cost <= 0) return { kind: 'none', points: 0, fee: 0, bonus: 0 };
    if (day(tk.createdAt) < enforceFrom) return { kind: 'waived', points: cost, fee: 0, bonus: 0 };
    if (balance[i] >= cost) {
      entry(i, -cost, 'incident', `Incident ${ref(tk.id)}`, tk.id, null, null, actor, key(tk.id, version, 'incident'), t);
      if (balance[i] <= 2 && !purchasePending[i] && rnd.chance(policyStatus[i] === 'enrolled' ? 0.7 : policyStatus[i] === 'notified' ? 0.5 : 0.35)) {
        purchasePending[i] = 1;
        schedule({ t: t + Math.floor(rnd.between(HOUR, 72 * HOUR)), kind: 'buy', account: i });
      }
      return { kind: 'points', points: cost, fee: 0, bonus: 0 };
    }
    if (!purchasePending[i] && rnd.chance(0.8)) {
      purchasePending[i] = 1;
      schedule({ t: t + Math.floor(rnd.between(10 * MINUTE, 24 * HOUR)), kind: 'buy', account: i });
    }
    return { kind: 'fee', points: 0, fee: POLICY.feeCents, bonus: 0 };
  }

  /** TicketsService.undo; false when a bonus to take back is already spent (the app refuses that change). */
  function undo(tk, version, t, actor) {
    const e = tk.effect;
    if (e.bonus > 0 && balance[tk.account] < e.bonus) return false;
    if (e.kind === 'points' && e.points > 0) {
      entry(tk.account, e.points, 'refund', `Refund for ${ref(tk.id)} (reclassified)`, tk.id, null, null, actor, key(tk.id, version, 'refund'), t);
    }
    if (e.bonus > 0) {
      entry(tk.account, -e.bonus, 'reversal', `Bonus for ${ref(tk.id)} taken back (reclassified)`, tk.id, null, null, actor, key(tk.id, version, 'reversal'), t);
    }
    return true;
  }

  let dayTickets = [];
  const handlers = {
    ticket(ev) {
      const i = pickAccount(ev.t, true);
      if (i < 0) return;
      const type = rnd.chance(0.7) ? rnd.weighted(typeWeights) : null;
      const finalFault = type
        ? (rnd.chance(type.clientFault) ? 'client' : 'provider')
        : rnd.weighted([['client', 35], ['provider', 10], ['undetermined', 55]]);
      // Classified when logged, or only when resolved; a few faults are disputed and changed at resolution.
      let fault0 = finalFault;
      let fault1 = finalFault;
      if (finalFault !== 'undetermined') {
        if (rnd.chance(0.35)) fault0 = 'undetermined';
        else if (finalFault === 'client' && rnd.chance(0.03)) fault1 = 'provider';
        else if (finalFault === 'provider' && rnd.chance(0.04)) fault1 = 'client';
      }
      const tk = {
        id: ++ticketId, account: i, createdAt: ev.t, type, channel: rnd.weighted(CHANNELS),
        priority: type && rnd.chance(0.8) ? type.priority : rnd.weighted(PRIORITIES),
        subject: type ? rnd.pick(type.subjects) : rnd.pick(demo.UNTYPED_SUBJECTS),
        resolution: type ? rnd.pick(type.resolutions) : rnd.pick(demo.UNTYPED_RESOLUTIONS),
        fault: fault0, createdBy: rnd.pick(agents), version: 0, resolvedAt: null,
      };
      tk.description = rnd.chance(0.4) ? null : `${tk.subject}. ${rnd.pick(DETAILS)}`;
      tk.effect = apply(tk, 0, fault0, ev.t, tk.createdBy);
      if (dayCounts) dayCounts[ev.day * N + i]++;
      const reclassify = fault1 !== fault0;
      // A classification changed at resolution lands the same day: the day's tickets are written when it ends.
      const resolvedAt = reclassify
        ? Math.min(ev.t + Math.floor(rnd.between(5 * MINUTE, 4 * HOUR)), Math.floor((ev.t + dayEnd) / 2))
        : ev.t + Math.floor(rnd.chance(0.85)
          ? Math.min(20 * DAY, Math.exp(Math.log(2 * HOUR) + 1.2 * rnd.normal()))
          : Math.min(60 * DAY, Math.exp(Math.log(3 * DAY) + rnd.normal())));
      if (resolvedAt < now && resolvedAt > ev.t) {
        tk.resolvedAt = resolvedAt;
        tk.version = 1;
        if (reclassify) schedule({ t: resolvedAt, kind: 'reclassify', ticket: tk, fault: fault1 });
      }
      dayTickets.push(tk);
    },
    reclassify(ev) {
      const tk = ev.ticket;
      const actor = rnd.chance(0.8) ? rnd.pick(agents) : staffIds.manager;
      if (!undo(tk, 1, ev.t, actor)) return;
      tk.fault = ev.fault;
      tk.effect = apply(tk, 1, ev.fault, ev.t, actor);
    },
    buy(ev) {
      const i = ev.account;
      if (!alive(i, ev.t)) {
        purchasePending[i] = 0;
        return;
      }
      const id = ++purchaseId;
      const qty = rnd.weighted([[1, 70], [2, 20], [3, 10]]);
      const method = rnd.weighted([['card', 60], ['bank_transfer', 35], ['cash', 2], ['check', 3]]);
      const delay = method === 'card' ? rnd.between(MINUTE, 30 * MINUTE) : rnd.between(HOUR, 7 * DAY);
      const cancelled = rnd.chance(0.03);
      const paidAt = cancelled ? null : Math.floor(ev.t + delay);
      const paid = paidAt !== null && paidAt < now;
      const cancelledAt = cancelled ? Math.floor(ev.t + rnd.between(HOUR, 10 * DAY)) : null;
      const amount = bundlePrice * qty;
      const status = paid ? 'paid' : cancelled && cancelledAt < now ? 'cancelled' : 'pending';
      W.purchases.add([id, `'INV-${String(id).padStart(6, '0')}'`, i + 1, BUNDLE.id, sq(BUNDLE.description), qty, BUNDLE.points * qty, amount,
        paid ? amount : 0, `'${POLICY.currency}'`, `'${status}'`, method === 'card' ? 'NULL' : staffIds.manager, ts(ev.t),
        paid ? ts(paidAt) : 'NULL', status === 'cancelled' ? ts(cancelledAt) : 'NULL'].join(','));
      if (paid) schedule({ t: paidAt, kind: 'pay', account: i, purchase: id, qty, amount, method });
      else if (status === 'cancelled') purchasePending[i] = 0;
    },
    pay(ev) {
      const i = ev.account;
      const id = ++paymentId;
      const card = ev.method === 'card';
      const actor = card ? null : staffIds.manager;
      W.payments.add([id, ev.purchase, ev.amount, `'${ev.method}'`, card ? 'NULL' : `'Ref ${10_000 + id}'`, card ? `'pi_bench_${id}'` : 'NULL',
        n(actor), 1, ts(ev.t)].join(','));
      entry(i, BUNDLE.points * ev.qty, 'purchase', `Purchase INV-${String(ev.purchase).padStart(6, '0')}: ${BUNDLE.description} × ${ev.qty}`, null,
        ev.purchase, null, actor, `purchase:${ev.purchase}`, ev.t);
      purchasePending[i] = 0;
    },
    letter(ev) {
      const { letter: L, account: i } = ev;
      if (L.grantPoints > 0) {
        entry(i, L.grantPoints, 'grant', `Announcement letter: ${L.title}`, null, null, L.id, staffIds.manager, `letter:${L.id}:account:${i + 1}`, ev.t);
      }
      const contacts = contactsOf[i];
      W.recipients.add([++recipientId, L.id, i + 1, "'done'", contacts.length, 'NULL', ts(ev.t)].join(','));
      for (const c of contacts) {
        const subject = L.subject.replace('{{account.name}}', accountName[i]).replace('{{grantPoints}}', String(L.grantPoints));
        const text = `Dear ${c.name},\n\nOur support terms change; see the letter "${L.title}".`;
        W.outbox.add([++outboxId, "'letter'", i + 1, sq(c.email), sq(subject), sq(text), sq(`<p>${text.replace(/\n/g, '<br>')}</p>`), "'sent'", 1,
          ts(ev.t), 'NULL', 'NULL', 'NULL', `'letter:${L.id}:contact:${c.id}'`, ts(ev.t), ts(ev.t + 2000 + (outboxId % 5000) * 20), L.id].join(','));
      }
      // Some clients buy points soon after reading about the new terms.
      if (!purchasePending[i] && rnd.chance(0.25)) {
        purchasePending[i] = 1;
        schedule({ t: ev.t + Math.floor(rnd.between(DAY, 30 * DAY)), kind: 'buy', account: i });
      }
    },
    bulkGrant(ev) {
      // DEMO_BULK_GRANT's segment: 8+ incidents in the last 30 days; the busiest callers get a cushion.
      const id = ++batchId;
      const d = ev.day;
      const chosen = [];
      for (let i = 0; i < N; i++) {
        if (!alive(i, ev.t) || !dayCounts) continue;
        let calls = 0;
        for (let k = Math.max(0, d - 30); k < d; k++) calls += dayCounts[k * N + i];
        if (calls >= MONTH_BULK_GRANT_MIN_INCIDENTS) chosen.push(i);
      }
      const points = demo.DEMO_BULK_GRANT.points;
      chosen.forEach((i, k) => {
        const t = ev.t + 1000 + Math.floor(k / 100) * 1000;
        entry(i, points, 'grant', demo.DEMO_BULK_GRANT.reason, null, null, null, staffIds.manager, `grant-batch:${id}:account:${i + 1}`, t);
        W.batchAccounts.add([++batchAccountId, id, i + 1, "'done'", 'NULL', ts(t)].join(','));
      });
      const audience = JSON.stringify({ minIncidents: MONTH_BULK_GRANT_MIN_INCIDENTS, incidentWindowDays: 30 });
      W.batches.add([id, points, sq(demo.DEMO_BULK_GRANT.reason), sq(audience), "'done'", staffIds.manager, ts(ev.t),
        ts(ev.t + 2000 + Math.floor(chosen.length / 100) * 1000)].join(','));
    },
    filler(ev) {
      const i = pickAccount(ev.t, false);
      if (i < 0) return;
      fillerEntries++;
      if (rnd.chance(0.5)) {
        entry(i, rnd.int(1, 2), 'grant', rnd.pick(GRANT_REASONS), null, null, null, staffIds.manager, null, ev.t);
        return;
      }
      const down = rnd.int(1, 2);
      if (balance[i] >= down) entry(i, -down, 'adjustment', rnd.pick(ADJUST_DOWN), null, null, null, staffIds.manager, null, ev.t);
      else entry(i, 1, 'adjustment', rnd.pick(ADJUST_UP), null, null, null, staffIds.manager, null, ev.t);
    },
  };

  // Calls per day: weekdays, a slow growth, a bump after each letter.
  const dayWeights = [];
  for (let d = 0; d < D; d++) {
    const start = windowStart + d * DAY;
    const dow = new Date(start).getUTCDay();
    let w = (dow === 0 ? 0.12 : dow === 6 ? 0.3 : 1) * (0.8 + (0.4 * d) / D);
    if (letterTimes.some((L) => start >= L - DAY && start < L + 21 * DAY)) w *= 1.25;
    if (d === D - 1) w *= (now - start) / DAY;
    dayWeights.push(w);
  }
  const ticketsPerDay = allocate(opts.tickets, dayWeights);
  const weightTotal = dayWeights.reduce((s, w) => s + w, 0);
  let weightSoFar = 0;
  let ticketEntries = 0; // entries that are not filler, to estimate the filler a day needs
  let ticketsSoFar = 0;
  const firstOfMonths = new Set();
  for (let t = letterTimes[0]; t < now; t += DAY) {
    const dt = new Date(t);
    if (dt.getUTCDate() === 1) firstOfMonths.add(Math.floor((t - windowStart) / DAY));
  }

  const timeIn = (start, end) => {
    if (end - start < DAY) return Math.floor(start + rnd.next() * (end - start));
    // Office hours mostly (07:00–18:00 UTC, busiest around noon), a few at any time.
    if (rnd.chance(0.06)) return Math.floor(start + rnd.next() * DAY);
    return Math.floor(start + (7 + (11 * (rnd.next() + rnd.next())) / 2) * HOUR);
  };

  let nextProgress = 0;
  for (let d = 0; d < D; d++) {
    const dayStart = windowStart + d * DAY;
    dayEnd = Math.min(dayStart + DAY, now);
    for (const ev of later.get(d) ?? []) heap.push(ev);
    later.delete(d);
    for (let k = 0; k < ticketsPerDay[d]; k++) heap.push({ t: timeIn(dayStart, dayEnd), kind: 'ticket', day: d });
    for (const L of letterDefs) {
      if (L.at < dayStart || L.at >= dayEnd) continue;
      // Campaign batches: 100 accounts a second, as CAMPAIGN_BATCH_SIZE / _INTERVAL_MS default to.
      L.recipients.forEach((i, k) => heap.push({ t: L.at + 500 + Math.floor(k / 100) * 1000, kind: 'letter', letter: L, account: i }));
      L.sentAt = L.at + 2000 + Math.ceil(L.recipients.length / 100) * 1000;
    }
    if (firstOfMonths.has(d)) heap.push({ t: dayStart + 10 * HOUR, kind: 'bulkGrant', day: d });
    // Bundles bought without being short of points (before the new terms too): about one per hundred calls.
    for (let k = Math.round(ticketsPerDay[d] / 100); k > 0; k--) {
      const t = timeIn(dayStart, dayEnd);
      const i = pickAccount(t, true);
      if (i >= 0 && !purchasePending[i]) {
        purchasePending[i] = 1;
        heap.push({ t, kind: 'buy', account: i });
      }
    }
    // Filler: what keeps the ledger on course for opts.entries, spread like the calls.
    weightSoFar += dayWeights[d];
    const perTicket = ticketsSoFar > 1000 ? ticketEntries / ticketsSoFar : 0.6;
    const produced = ledgerId;
    // (The last day gets exactly what is missing once its other events are done.)
    const filler = d === D - 1 ? 0 : Math.max(0, Math.round((opts.entries * weightSoFar) / weightTotal - produced - ticketsPerDay[d] * perTicket));
    for (let k = 0; k < filler; k++) heap.push({ t: timeIn(dayStart, dayEnd), kind: 'filler', day: d });

    const fillerBefore = fillerEntries;
    let lastT = dayStart;
    while (heap.size) {
      const ev = heap.pop();
      lastT = ev.t;
      handlers[ev.kind](ev);
    }
    if (d === D - 1) {
      // Exactly opts.entries: the last few between the day's last event and now.
      const missing = opts.entries - ledgerId;
      for (let k = 0; k < missing; k++) handlers.filler({ t: Math.floor(lastT + ((now - lastT) * (k + 1)) / (missing + 2)), day: d });
    }
    ticketEntries += ledgerId - produced - (fillerEntries - fillerBefore);
    ticketsSoFar += ticketsPerDay[d];

    for (const tk of dayTickets) {
      const e = tk.effect;
      const resolved = tk.resolvedAt !== null;
      W.tickets.add([tk.id, tk.account + 1, `'${tk.channel}'`, `'${tk.priority}'`, sq(tk.subject), sq(tk.description), n(tk.type && tk.type.id),
        `'${tk.fault}'`, resolved ? "'resolved'" : "'open'", `'${e.kind}'`, e.points, e.fee, e.bonus, tk.version, tk.createdBy, ts(tk.createdAt),
        resolved ? ts(tk.resolvedAt) : 'NULL', resolved ? sq(tk.resolution) : 'NULL'].join(','));
    }
    dayTickets = [];
    await Promise.all(Object.values(W).map((w) => w.throttle()));
    if (d >= nextProgress || d === D - 1) {
      progress(`day ${d + 1}/${D} (${day(dayStart)}): ${int(ticketId)} tickets, ${int(ledgerId)} ledger entries, ${int(purchaseId)} purchases`);
      nextProgress += Math.ceil(D / 10);
    }
  }

  // ---- what is only known at the end: accounts' final state, balances, letters, closures
  let auditId = 0;
  const policy = { legacy: 0, notified: 0, enrolled: 0 };
  let closed = 0;
  let closedSinceFirstLetter = 0;
  for (let i = 0; i < N; i++) {
    const isClosed = closedAt[i] !== Infinity;
    policy[policyStatus[i]]++;
    if (isClosed) {
      closed++;
      if (closedAt[i] >= letterTimes[0]) closedSinceFirstLetter++;
      W.audit.add([++auditId, staffIds.manager, "'account.close'", "'account'", `'${i + 1}'`, sq(closeReason[i]), sq('{"status":"active"}'),
        sq(JSON.stringify({ status: 'closed', closedAt: new Date(closedAt[i]).toISOString() })), ts(closedAt[i])].join(','));
    }
    W.accounts.add([i + 1, sq(accountName[i]), `'${customerSince[i]}'`, favoured[i], isClosed ? "'closed'" : "'active'", `'${policyStatus[i]}'`,
      ts(createdAt[i]), isClosed ? ts(closedAt[i]) : 'NULL', sq(closeReason[i])].join(','));
    W.balances.add(`${i + 1},${balance[i]},${ts(lastChange[i])}`);
    await W.accounts.throttle();
  }
  for (const L of letterDefs) {
    W.letters.add([L.id, sq(L.title), sq(L.subject), sq(L.body), sq(JSON.stringify(L.audience)), L.grantPoints, "'sent'", staffIds.manager, staffIds.admin,
      staffIds.manager, ts(L.at - 3 * DAY), ts(L.sentAt), ts(L.at - DAY), ts(L.at), ts(L.sentAt)].join(','));
  }
  await conn.query("UPDATE invoice_counters SET last_number = ? WHERE name = 'invoice'", [purchaseId]);

  return {
    now: new Date(now).toISOString(), windowStart: new Date(windowStart).toISOString(),
    firstLetter: new Date(letterTimes[0]).toISOString(), enforceFrom, closed, closedSinceFirstLetter, policy,
  };
}

main().catch((err) => {
  process.stderr.write(`\nbench:data failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
