'use strict';

/**
 * The baseline for POST /api/tickets: the least a server can do for the same
 * call — node:http, a mysql2 pool of the same size as Pointdesk's default, no
 * framework, no auth, no validation library — and the same three statements
 * in one transaction against Pointdesk's real tables:
 *
 *   INSERT INTO tickets …                                   (the call)
 *   UPDATE point_balances SET balance = balance - 1
 *     WHERE account_id = ? AND balance >= 1                 (guarded debit)
 *   INSERT INTO ledger_entries … SELECT … FROM point_balances (entry + balance_after)
 *
 * Pointdesk's throughput divided by this one's is "the cost of the framework
 * and the app's extra work". Only a chargeable call (channel phone, fault
 * client) debits; if the balance does not cover it the ticket is marked with
 * a fee instead (one UPDATE), as Pointdesk would.
 *
 * Env: DATABASE_URL (mysql://…/db), PORT, DB_POOL_SIZE (default 20, per
 * worker), BARE_ACTOR_ID (stored as created_by_id / actor_id, like the
 * agent's id), WEB_CONCURRENCY (worker processes sharing the port, as
 * Pointdesk's; default 1).
 *
 * Routes: POST /tickets → 201 JSON ticket; GET /health → 200.
 */

const cluster = require('node:cluster');
const http = require('node:http');
const mysql = require('mysql2/promise');

const workers = Number(process.env.WEB_CONCURRENCY || 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  const stop = () => {
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return;
}

const CHANNELS = ['phone', 'email', 'portal'];
const FAULTS = ['undetermined', 'provider', 'client'];
const PRIORITIES = ['normal', 'priority', 'emergency'];
const FEE_CENTS = 7500;
const MAX_BODY = 64 * 1024;

const port = Number(process.env.PORT || 3100);
const actorId = process.env.BARE_ACTOR_ID ? Number(process.env.BARE_ACTOR_ID) : null;
const pool = mysql.createPool({
  uri: process.env.DATABASE_URL,
  connectionLimit: Number(process.env.DB_POOL_SIZE || 20),
  timezone: 'Z',
  charset: 'utf8mb4_unicode_ci',
  enableKeepAlive: true,
});

const INSERT_TICKET =
  'INSERT INTO tickets (account_id, channel, priority, subject, description, incident_type_id, fault, status, ' +
  'charge_kind, charge_points, charge_fee_cents, bonus_points, charge_version, created_by_id, created_at, resolved_at, resolution) ' +
  "VALUES (?, ?, ?, ?, ?, NULL, ?, 'open', ?, ?, 0, 0, 0, ?, ?, NULL, NULL)";
const DEBIT = 'UPDATE point_balances SET balance = balance - 1, updated_at = ? WHERE account_id = ? AND balance >= 1';
const INSERT_ENTRY =
  'INSERT INTO ledger_entries (account_id, delta, balance_after, kind, reason, ticket_id, actor_id, idempotency_key, created_at) ' +
  "SELECT account_id, -1, balance, 'incident', ?, ?, ?, ?, ? FROM point_balances WHERE account_id = ?";
const MARK_FEE = "UPDATE tickets SET charge_kind = 'fee', charge_points = 0, charge_fee_cents = ? WHERE id = ?";

const reference = (id) => `PD-${String(id).padStart(6, '0')}`;

/** The body's fields, or a list of problems (answered 400). */
function validate(b) {
  const problems = [];
  if (!b || typeof b !== 'object') return { problems: ['body must be a JSON object'] };
  if (typeof b.accountId !== 'string' || !/^[1-9][0-9]{0,14}$/.test(b.accountId)) problems.push('accountId');
  if (!CHANNELS.includes(b.channel)) problems.push('channel');
  if (typeof b.subject !== 'string' || b.subject.length < 1 || b.subject.length > 200) problems.push('subject');
  if (b.fault !== undefined && !FAULTS.includes(b.fault)) problems.push('fault');
  if (b.priority !== undefined && !PRIORITIES.includes(b.priority)) problems.push('priority');
  if (b.description !== undefined && typeof b.description !== 'string') problems.push('description');
  return { problems };
}

async function createTicket(b) {
  const accountId = Number(b.accountId);
  const fault = b.fault ?? 'undetermined';
  const priority = b.priority ?? 'normal';
  const chargeable = b.channel === 'phone' && fault === 'client';
  const now = new Date();
  const conn = await pool.getConnection();
  try {
    await conn.query('START TRANSACTION');
    const [ins] = await conn.query(INSERT_TICKET, [
      accountId, b.channel, priority, b.subject, b.description ?? null, fault,
      chargeable ? 'points' : 'none', chargeable ? 1 : 0, actorId, now,
    ]);
    const id = ins.insertId;
    let charge = { kind: 'none', points: 0, feeCents: 0 };
    if (chargeable) {
      const [debit] = await conn.query(DEBIT, [now, accountId]);
      if (debit.affectedRows === 1) {
        await conn.query(INSERT_ENTRY, [`Incident ${reference(id)}`, id, actorId, `ticket:${id}:v0:incident`, now, accountId]);
        charge = { kind: 'points', points: 1, feeCents: 0 };
      } else {
        await conn.query(MARK_FEE, [FEE_CENTS, id]);
        charge = { kind: 'fee', points: 0, feeCents: FEE_CENTS };
      }
    }
    await conn.query('COMMIT');
    return {
      id: String(id), reference: reference(id), accountId: String(accountId), channel: b.channel, priority,
      subject: b.subject, description: b.description ?? null, incidentTypeId: null, fault, status: 'open', charge,
      createdById: actorId === null ? null : String(actorId), createdAt: now.toISOString(), resolvedAt: null, resolution: null,
    };
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) reject(Object.assign(new Error('body too large'), { status: 413 }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req, res) {
  if (req.method === 'GET' && req.url === '/health') {
    await pool.query('SELECT 1');
    return send(res, 200, { status: 'ok' });
  }
  if (req.method !== 'POST' || req.url !== '/tickets') return send(res, 404, { statusCode: 404, message: 'not found' });
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch (err) {
    return send(res, err.status || 400, { statusCode: err.status || 400, message: 'invalid JSON body' });
  }
  const { problems } = validate(body);
  if (problems.length) return send(res, 400, { statusCode: 400, message: problems });
  return send(res, 201, await createTicket(body));
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    // Foreign key failure = unknown account → 404, like Pointdesk; anything else is a 500.
    const notFound = err && err.code === 'ER_NO_REFERENCED_ROW_2';
    if (!notFound) process.stderr.write(`bare-server: ${err && err.stack}\n`);
    if (!res.headersSent) send(res, notFound ? 404 : 500, { statusCode: notFound ? 404 : 500, message: notFound ? 'account not found' : 'internal error' });
  });
});
server.keepAliveTimeout = 65000;

server.listen(port, '127.0.0.1', () => process.stdout.write(`bare-server listening on ${port}\n`));

function shutdown() {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
