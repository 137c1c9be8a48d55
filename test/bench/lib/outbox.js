'use strict';

/**
 * Outbox helpers for the mail scenarios: queue emails straight into the
 * scratch database (as Pointdesk's own outbox rows, ~1.5 kB of text and HTML
 * like a real low-balance offer) and watch them being delivered.
 */

const CHUNK = 500;
const TEXT = `Dear client,\n\nThe support point balance of your account is down to 1 point.\n${'Top up now with a bundle. '.repeat(20)}\n`;
const HTML = `<!doctype html><html><body><p>Dear client,</p><p>${'Top up now with a bundle. '.repeat(30)}</p></body></html>`;

/** Queues `n` pending emails (due now); returns the id range written. */
async function queueEmails(db, n, accountIds) {
  const [{ prev }] = await db.query('SELECT COALESCE(MAX(id), 0) AS prev FROM notifications');
  const now = new Date();
  for (let i = 0; i < n; i += CHUNK) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + CHUNK); j++) {
      rows.push(['low_balance_offer', accountIds[j % accountIds.length], `bench${j}@client.example`,
        'Your support balance is low', TEXT, HTML, 'pending', 0, now, now]);
    }
    await db.query(
      'INSERT INTO notifications (kind, account_id, to_address, subject, body_text, body_html, status, attempts, next_attempt_at, created_at) VALUES ?',
      [rows],
    );
  }
  const [{ last }] = await db.query('SELECT COALESCE(MAX(id), 0) AS last FROM notifications');
  return { firstId: Number(prev) + 1, lastId: Number(last) };
}

/** Rows of the range by status. */
async function statusCounts(db, range) {
  const rows = await db.query(
    'SELECT status, COUNT(*) AS n FROM notifications WHERE id BETWEEN ? AND ? GROUP BY status', [range.firstId, range.lastId],
  );
  const out = { pending: 0, sent: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

async function sinkStats(sink) {
  const res = await fetch(sink.statsUrl);
  return res.json();
}

module.exports = { queueEmails, statusCounts, sinkStats };
