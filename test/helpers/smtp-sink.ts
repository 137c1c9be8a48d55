import { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  /** Header names lower-cased, folded lines joined. */
  headers: Record<string, string>;
  subject: string;
  /** X-Pointdesk-Notification: the outbox row id. */
  notificationId: string | undefined;
  /** The text/plain and text/html parts, transfer-decoded. */
  text: string;
  html: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Messages answered with an error by `reject`, with the code they got (they are not in `received`). */
  rejected: (ReceivedMail & { code: number })[];
  /** Resolves once at least n messages arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Answer for a message instead of accepting it, e.g. { code: 451, message: 'try later' }. */
  reject?: (mail: ReceivedMail) => { code: number; message: string } | null;
}

/** A real SMTP server (the smtp-server package) on localhost that keeps what it receives. */
export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const rejected: (ReceivedMail & { code: number })[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'), session);
        const rejection = opts.reject?.(mail);
        if (rejection) {
          rejected.push({ ...mail, code: rejection.code });
          const err = new Error(rejection.message) as Error & { responseCode: number };
          err.responseCode = rejection.code;
          callback(err);
          return;
        }
        received.push(mail);
        for (const w of waiters.filter((x) => received.length >= x.n)) w.resolve();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejected,
    waitFor(n, timeoutMs = 20_000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${n} emails, got ${received.length}`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(received); } });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (/base64/i.test(encoding ?? '')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding ?? '')) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
    try { return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25')); } catch { return bytes; }
  }
  return body;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=) in a header value. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*/gi, (_, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'));
}

function parseMail(raw: string, session: SMTPServerSession): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw.slice(split)];
  for (const part of parts) {
    const p = part.replace(/^\r?\n/, '');
    const at = p.search(/\r?\n\r?\n/);
    const h = boundary ? parseHeaders(p.slice(0, at)) : headers;
    const content = decodeBody((boundary ? p.slice(at) : p).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, ''), h['content-transfer-encoding']);
    if (/text\/html/i.test(h['content-type'] ?? '')) html = content;
    else text = content;
  }
  return {
    to: session.envelope.rcptTo.map((r) => r.address),
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    headers, subject: decodeWords(headers.subject ?? ''), notificationId: headers['x-pointdesk-notification'],
    text: text.replace(/\r\n/g, '\n'), html: html.replace(/\r\n/g, '\n'), raw,
  };
}
