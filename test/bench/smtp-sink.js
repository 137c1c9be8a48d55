'use strict';

/**
 * A local SMTP sink for the mail scenarios: accepts every message (smtp-server)
 * and counts them, per outbox row (X-Pointdesk-Notification header), so a
 * message delivered twice is visible. Runs as its own process so it does not
 * share an event loop with autocannon or Pointdesk.
 *
 * Env: SMTP_PORT, PORT (HTTP). HTTP: GET /health → 200; GET /stats →
 * {received, unique, duplicates}.
 */

const http = require('node:http');
const { SMTPServer } = require('smtp-server');

const seen = new Map();
let received = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 100,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk) => {
      if (head.length < 8192) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      received += 1;
      const id = /^X-Pointdesk-Notification:\s*(\S+)/im.exec(head)?.[1] ?? `unknown-${received}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      callback();
    });
  },
});

smtp.listen(Number(process.env.SMTP_PORT), '127.0.0.1');

http.createServer((req, res) => {
  if (req.url === '/stats') {
    let duplicates = 0;
    for (const n of seen.values()) duplicates += n - 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ received, unique: seen.size, duplicates }));
    return;
  }
  res.statusCode = req.url === '/health' ? 200 : 404;
  res.end();
}).listen(Number(process.env.PORT), '127.0.0.1');
