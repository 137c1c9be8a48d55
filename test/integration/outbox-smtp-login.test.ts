/*
 * A 5xx from the mail server is final only when it is about the message
 * itself (its recipient or content). A 5xx at login (a wrong SMTP password)
 * is a configuration problem: every email stays pending and is retried, and
 * is delivered once the password is fixed, instead of all failing at once.
 */
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { drain, outboxRows, queueEmails, sleep } from '../factories/outbox';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('SMTP login refused', () => {
  let t: TestApp;
  let server: SMTPServer;
  let password = 'wrong';
  const received: string[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.password !== password) {
          const err = new Error('Authentication credentials invalid') as Error & { responseCode: number };
          err.responseCode = 535;
          callback(err);
          return;
        }
        callback(null, { user: auth.username });
      },
      onData(stream, _session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => { raw += c.toString('utf8'); });
        stream.on('end', () => {
          received.push(/^X-Pointdesk-Notification:\s*(\S+)/im.exec(raw)?.[1] ?? '?');
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    t = await startTestApp({ env: { SMTP_URL: `smtp://mailer:right@127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: '50', MAIL_MAX_ATTEMPTS: '5' } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps the emails pending with the error, and delivers each once after the login works', async () => {
    const ids = await queueEmails(t, 3);
    expect(await drain(t)).toMatchObject({ claimed: 3, sent: 0, retrying: 3, failed: 0 });
    for (const r of await outboxRows(t, ids)) {
      expect(r).toMatchObject({ status: 'pending', attempts: 1 });
      expect(r.lastError).toMatch(/535|auth/i);
    }
    expect(received).toHaveLength(0);

    password = 'right';
    await sleep(120);
    expect(await drain(t)).toMatchObject({ claimed: 3, sent: 3 });
    expect(received.sort()).toEqual([...ids].sort());
    for (const r of await outboxRows(t, ids)) expect(r).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
