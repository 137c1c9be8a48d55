'use strict';

/**
 * The `letter` scenario: an announcement letter granting points to every
 * seeded account, sent the way a manager sends one (POST /api/letters →
 * approve → send), then watched in the scratch database until every account
 * is done (grant, emails queued in the outbox, legacy → notified) and every
 * email has reached the SMTP sink. Ends with a count of what was written
 * against what was seeded.
 */

const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const { ApiClient } = require('./http');
const { sinkStats } = require('./outbox');

/** How often the progress is read from the database. */
const POLL_MS = 50;
/** Give up (and report what is left) after this long. */
const TIMEOUT_MS = 600_000;

/** A letter as a manager would write it, with every merge field. */
function letterBody(grantPoints) {
  return {
    title: 'Bench: new support terms',
    subject: 'New support terms for {{account.name}}',
    body: 'Dear {{contact.name}},\n\n' +
      'From next month, support calls caused on your side are paid for with points from your account\'s point bank. ' +
      'Calls about faults on our side stay free.\n\n' +
      'Your balance today is {{balance}} points. To thank {{account.name}} for the years together we add ' +
      '{{grantPoints}} points, so you start with {{balanceAfterGrant}}.\n\n' +
      'Kind regards,\nYour support team',
    audience: {},
    grantPoints,
  };
}

/** The letter's progress as the database has it, in one statement (one snapshot). */
async function progress(conn, letterId) {
  const [[r]] = await conn.query(
    "SELECT (SELECT COUNT(*) FROM letter_recipients WHERE letter_id = ? AND status = 'pending') AS accountsPending, " +
    '(SELECT COUNT(*) FROM notifications WHERE letter_id = ?) AS queued, ' +
    "(SELECT COUNT(*) FROM notifications WHERE letter_id = ? AND status = 'sent') AS sent, " +
    "(SELECT COUNT(*) FROM notifications WHERE letter_id = ? AND status = 'failed') AS failed, " +
    '(SELECT status FROM letters WHERE id = ?) AS status',
    [letterId, letterId, letterId, letterId, letterId],
  );
  return {
    accountsPending: Number(r.accountsPending), queued: Number(r.queued), sent: Number(r.sent), failed: Number(r.failed), status: r.status,
  };
}

/**
 * Creates, approves and sends the letter, then polls until it is `sent`.
 * Times: the POST /send request (the audience frozen into letter_recipients);
 * queuing, from its 202 answer until no account is pending (every grant and
 * email committed); delivery, from the same moment until the last email was
 * accepted by the sink; and until the letter's status is `sent`.
 */
async function measureLetter(ctx, server) {
  const { cfg, db, seed } = ctx;
  const api = new ApiClient(server.url);
  const token = seed.adminToken;

  const [before] = await db.query(
    "SELECT (SELECT COUNT(*) FROM accounts WHERE status = 'active' AND policy_status = 'legacy') AS legacy, " +
    "(SELECT COUNT(*) FROM notifications WHERE status = 'pending') AS backlog",
  );
  const sinkBefore = await sinkStats(ctx.sink);

  const letter = await api.post('/api/letters', letterBody(cfg.letterGrantPoints), token);
  await api.call('POST', `/api/letters/${letter.id}/approve`, { token, expect: 200 });

  const sendStarted = performance.now();
  const sending = await api.call('POST', `/api/letters/${letter.id}/send`, { token, expect: 202 });
  const sendAnswered = performance.now();

  const conn = await db.connect();
  const at = {};
  let p;
  try {
    const deadline = sendAnswered + TIMEOUT_MS;
    for (;;) {
      p = await progress(conn, Number(letter.id));
      const now = performance.now();
      if (at.queued === undefined && p.accountsPending === 0) at.queued = now;
      if (at.delivered === undefined && p.accountsPending === 0 && p.sent + p.failed === p.queued) at.delivered = now;
      if (p.status === 'sent' || now > deadline) {
        at.sent = now;
        break;
      }
      await sleep(POLL_MS);
    }
  } finally {
    await conn.end();
  }

  // Not reached before the timeout: Infinity, so the target shows MISS rather than n/a.
  const secondsSince = (t) => (t === undefined ? Infinity : (t - sendAnswered) / 1000);
  const queueSeconds = secondsSince(at.queued);
  const deliverSeconds = secondsSince(at.delivered);
  const accounts = sending.accounts.total;
  const result = {
    letterId: Number(letter.id),
    batchSize: cfg.campaignBatchSize,
    intervalMs: cfg.campaignIntervalMs,
    grantPoints: cfg.letterGrantPoints,
    status: p.status,
    accounts,
    emails: sending.recipients.total,
    sendMs: sendAnswered - sendStarted,
    queueSeconds,
    accountsPerSecond: accounts / queueSeconds,
    deliverSeconds,
    emailsPerSecond: p.sent / deliverSeconds,
    sentSeconds: secondsSince(at.sent),
    sent: p.sent,
    failed: p.failed,
    pending: p.queued - p.sent - p.failed,
    legacyBefore: Number(before.legacy),
    backlogBefore: Number(before.backlog),
    sinkBefore,
    // For the summary's generic parts: the rate this scenario is about.
    rps: p.sent / deliverSeconds,
  };
  return { ...result, ...(await verifyLetter(ctx, server, result)) };
}

/**
 * What the campaign wrote, counted in the database and at the sink, against
 * the seed: one grant entry per account (letter_id set), one outbox email per
 * contact, each received once by the sink, every legacy account notified, and
 * the API's progress in agreement. Returns the line to print and the number
 * of counts that disagree.
 */
async function verifyLetter(ctx, server, r) {
  const { db, seed, cfg } = ctx;
  const [c] = await db.query(
    'SELECT (SELECT COUNT(*) FROM ledger_entries WHERE letter_id = ?) AS grants, ' +
    '(SELECT COUNT(DISTINCT account_id) FROM ledger_entries WHERE letter_id = ?) AS grantAccounts, ' +
    '(SELECT COALESCE(SUM(delta), 0) FROM ledger_entries WHERE letter_id = ?) AS points, ' +
    '(SELECT COUNT(*) FROM notifications WHERE letter_id = ?) AS emails, ' +
    '(SELECT COUNT(DISTINCT dedupe_key) FROM notifications WHERE letter_id = ?) AS distinctEmails, ' +
    "(SELECT COUNT(*) FROM accounts WHERE status = 'active' AND policy_status = 'notified') AS notified",
    Array(5).fill(r.letterId),
  );
  const sink = await sinkStats(ctx.sink);
  const api = new ApiClient(server.url);
  const view = await api.call('GET', `/api/letters/${r.letterId}`, { token: seed.adminToken });

  const accounts = seed.accountIds.length;
  const contacts = seed.contacts;
  const received = sink.received - r.sinkBefore.received;
  const duplicates = sink.duplicates - r.sinkBefore.duplicates;
  const checks = [
    ['grant entries with letter_id', Number(c.grants), accounts],
    ['accounts granted', Number(c.grantAccounts), accounts],
    ['points granted', Number(c.points), accounts * cfg.letterGrantPoints],
    ['outbox emails with letter_id', Number(c.emails), contacts],
    ['distinct dedupe keys', Number(c.distinctEmails), contacts],
    ['sink received', received, contacts],
    ['received twice', duplicates, 0],
    ['accounts notified', Number(c.notified), r.legacyBefore],
    ['API recipients.sent', view.recipients.sent, contacts],
    ['API accounts.done', view.accounts.done, accounts],
  ];
  const wrong = checks.filter(([, got, want]) => got !== want);
  const f = (n) => Number(n).toLocaleString('en-US');
  const line = `checked against the seed (${f(accounts)} accounts, ${f(contacts)} contacts): ` +
    checks.map(([what, got, want]) => `${what} ${f(got)}${got === want ? '' : ` ≠ ${f(want)} WRONG`}`).join(', ') +
    `; letter ${view.status}`;
  return { checkLine: line, wrong: wrong.length, duplicates };
}

module.exports = { measureLetter };
