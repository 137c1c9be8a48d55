/*
 * PRODUCT.md rule 6: no email is lost when the mail server is down, and none
 * is sent twice. The outbox is checked against a real SMTP server (the
 * smtp-server package) that the tests stop, restart on the same port, or
 * make answer 4xx/5xx, with the real sender (OutboxSender.drain, what the
 * scheduler runs) and the real database.
 */
import request from 'supertest';
import { In } from 'typeorm';
import { TransactionService } from '../../src/common/database/transaction.service';
import { NotificationEntity } from '../../src/notifications/notification.entity';
import { NotificationsRepository } from '../../src/notifications/notifications.repository';
import { PointBankService } from '../../src/point-bank/point-bank.service';
import { balanceOf, grant, makeAccount, makeTicket, setPolicy } from '../factories';
import { expectNothingWritten, ledgerRows, tag } from '../factories/db';
import { drain, outboxRows, queueEmails, sleep } from '../factories/outbox';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { sharedTestDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';

/** How many times the SMTP server accepted each of the ids. */
const deliveries = (smtp: SmtpSink, ids: string[]) =>
  Object.fromEntries(ids.map((id) => [id, smtp.received.filter((m) => m.notificationId === id).length]));
const once = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, 1]));
/** Waits until every row is due again (its backoff has passed). */
const untilDue = async (t: TestApp, ids: string[]) => {
  const rows = await outboxRows(t, ids);
  const due = Math.max(...rows.map((r) => r.nextAttemptAt.getTime()));
  await sleep(Math.max(0, due - Date.now()) + 20);
};

describe(`email outbox reliability (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  describe('a debit that rolls back', () => {
    let t: TestApp;
    let smtp: SmtpSink;
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp({ env: { SMTP_URL: smtp.url } });
      await setPolicy(t, { lowBalanceThreshold: 1 });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    it('queues and mails no offer for a crossing that rolled back; the committed crossing mails one per contact', async () => {
      const mark = tag();
      const acc = await makeAccount(t, {
        name: `Rollback ${mark}`,
        contacts: [{ name: 'Ann', email: `ann.${mark}@client.test` }, { name: 'Bob', email: `bob.${mark}@client.test` }],
      });
      await grant(t, acc.id, 3);
      const bank = t.app.get(PointBankService);
      const tx = t.app.get(TransactionService);
      const ledgerBefore = await ledgerRows(t, acc.id);

      await expectNothingWritten(t, async () => {
        await expect(tx.run(undefined, async (em) => {
          const entry = await bank.debit({ accountId: Number(acc.id), points: 2, kind: 'adjustment', reason: 'rolled back' }, em);
          expect(entry.balanceAfter).toBe(1); // 3 → 1 crosses the threshold ...
          // ... and inside the transaction the offers are queued, one per contact.
          expect(await em.count(NotificationEntity, { where: { accountId: Number(acc.id) } })).toBe(2);
          throw new Error('something failed after the debit');
        })).rejects.toThrow('something failed after the debit');
      });

      expect(await balanceOf(t, acc.id)).toBe(3);
      expect(await ledgerRows(t, acc.id)).toEqual(ledgerBefore);
      expect(await t.dataSource.getRepository(NotificationEntity).count({ where: { accountId: Number(acc.id) } })).toBe(0);
      expect(await drain(t)).toMatchObject({ claimed: 0, sent: 0 });
      expect(smtp.received.filter((m) => m.subject.includes(mark))).toEqual([]);

      // The same debit committed: exactly one offer per contact, delivered once each.
      await bank.debit({ accountId: Number(acc.id), points: 2, kind: 'adjustment', reason: 'committed' });
      expect(await drain(t)).toMatchObject({ claimed: 2, sent: 2 });
      const mails = smtp.received.filter((m) => m.subject.includes(mark));
      expect(mails.map((m) => m.to[0]).sort()).toEqual([`ann.${mark}@client.test`, `bob.${mark}@client.test`]);
    });
  });

  describe('the SMTP server is down, then comes back', () => {
    let t: TestApp;
    let smtp: SmtpSink | undefined;
    let port: number;
    const RETRY_BASE_MS = 1000;
    beforeAll(async () => {
      // Find a free port, then leave nothing listening on it.
      const probe = await startSmtpSink();
      port = probe.port;
      await probe.close();
      t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: String(RETRY_BASE_MS), MAIL_MAX_ATTEMPTS: '5' } });
    });
    afterAll(async () => {
      await t.close();
      await smtp?.close();
    });

    it('keeps each email pending with the error and a later due time, then delivers each exactly once', async () => {
      const ids = await queueEmails(t, 3);
      const started = Date.now();
      expect(await drain(t)).toEqual({ claimed: 3, sent: 0, retrying: 3, failed: 0 });

      for (const row of await outboxRows(t, ids)) {
        expect(row).toMatchObject({ status: 'pending', attempts: 1, claimToken: null, leaseUntil: null, sentAt: null });
        expect(row.lastError).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);
        // First retry after MAIL_RETRY_BASE_MS.
        expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
        expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(started + RETRY_BASE_MS - 50);
      }
      // The console/API shows why it is waiting and until when.
      const shown = (await request(t.http).get(`/api/notifications/${ids[0]}`).set(t.admin.auth)).body;
      expect(shown).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|ECONNECTION|connect/i) });
      expect(new Date(shown.nextAttemptAt).getTime()).toBeGreaterThan(Date.now());

      // The server comes back on the same port; nothing is retried before its time.
      smtp = await startSmtpSink({ port });
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(smtp.received).toHaveLength(0);

      await untilDue(t, ids);
      expect(await drain(t)).toEqual({ claimed: 3, sent: 3, retrying: 0, failed: 0 });
      expect(deliveries(smtp, ids)).toEqual(once(ids));
      for (const row of await outboxRows(t, ids)) {
        expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null, claimToken: null });
        expect(row.sentAt).toBeInstanceOf(Date);
      }
      // Nothing more to do, and nothing sent twice.
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(smtp.received).toHaveLength(3);
    });
  });

  describe('the SMTP server refuses', () => {
    let t: TestApp;
    let smtp: SmtpSink;
    let accept = false;
    const MAX_ATTEMPTS = 3;
    beforeAll(async () => {
      // 5xx for the "gone" mailbox always; 4xx ("try later") for the rest until `accept`.
      smtp = await startSmtpSink({
        reject: (m) => (m.to.some((to) => to.startsWith('gone.'))
          ? { code: 550, message: 'mailbox unavailable' }
          : accept ? null : { code: 451, message: 'local problem, try again later' }),
      });
      t = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_MAX_ATTEMPTS: String(MAX_ATTEMPTS), MAIL_RETRY_BASE_MS: '50' } });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    it(`retries a 4xx with backoff, fails after MAIL_MAX_ATTEMPTS (${MAX_ATTEMPTS}) keeping the error, and a retry delivers it once`, async () => {
      accept = false;
      const ids = await queueEmails(t, 2);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await untilDue(t, ids);
        const before = Date.now();
        const round = await drain(t);
        const after = Date.now();
        const rows = await outboxRows(t, ids);
        if (attempt < MAX_ATTEMPTS) {
          expect(round).toEqual({ claimed: 2, sent: 0, retrying: 2, failed: 0 });
          for (const r of rows) {
            expect(r).toMatchObject({ status: 'pending', attempts: attempt, lastError: expect.stringMatching(/451/) });
            // Exponential backoff: MAIL_RETRY_BASE_MS × 2^(attempts − 1) after the attempt.
            const backoff = 50 * 2 ** (attempt - 1);
            expect(r.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + backoff);
            expect(r.nextAttemptAt.getTime()).toBeLessThanOrEqual(after + backoff);
          }
        } else {
          expect(round).toEqual({ claimed: 2, sent: 0, retrying: 0, failed: 2 });
          for (const r of rows) expect(r).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, claimToken: null, sentAt: null });
        }
      }
      // Each was offered to the server exactly MAX_ATTEMPTS times, and never accepted.
      for (const id of ids) expect(smtp.rejected.filter((m) => m.notificationId === id).map((m) => m.code)).toEqual(Array(MAX_ATTEMPTS).fill(451));
      expect(deliveries(smtp, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 0])));

      // A failed email is not tried again by itself ...
      await sleep(250);
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      // ... and GET /api/notifications shows it with the last error.
      const failed = (await request(t.http).get('/api/notifications?status=failed').set(t.admin.auth)).body;
      for (const id of ids) {
        expect(failed.items.find((n: { id: string }) => n.id === id)).toMatchObject({
          status: 'failed', attempts: MAX_ATTEMPTS, lastError: expect.stringMatching(/451.*try again later/), nextAttemptAt: null, sentAt: null,
        });
      }

      // A manager retries them: pending with a fresh set of attempts; the server now accepts.
      accept = true;
      for (const id of ids) {
        const res = await request(t.http).post(`/api/notifications/${id}/retry`).set(t.admin.auth);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ status: 'pending', attempts: 0 });
      }
      expect(await drain(t)).toEqual({ claimed: 2, sent: 2, retrying: 0, failed: 0 });
      expect(deliveries(smtp, ids)).toEqual(once(ids));
      for (const r of await outboxRows(t, ids)) expect(r).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(deliveries(smtp, ids)).toEqual(once(ids));
    });

    it('fails a 5xx answer at once, with no further attempt', async () => {
      accept = true;
      const ids = await queueEmails(t, 1, { to: () => `gone.${tag()}@client.test` });
      expect(await drain(t)).toEqual({ claimed: 1, sent: 0, retrying: 0, failed: 1 });
      const [row] = await outboxRows(t, ids);
      expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
      expect(row.lastError).toMatch(/550.*mailbox unavailable/);
      await sleep(200);
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(smtp.rejected.filter((m) => m.notificationId === ids[0]).map((m) => m.code)).toEqual([550]);
      const shown = (await request(t.http).get(`/api/notifications?status=failed&kind=low_balance_offer`).set(t.admin.auth)).body;
      expect(shown.items.find((n: { id: string }) => n.id === ids[0])).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/550/) });
    });
  });

  describe('a sender that crashed holding a claim', () => {
    let t: TestApp;
    let smtp: SmtpSink;
    beforeAll(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_LEASE_MS: '1000' } });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    it("leaves the rows alone until the lease expires, then another drain delivers each exactly once; the dead sender's late results are ignored", async () => {
      const ids = await queueEmails(t, 5);
      const repo = t.app.get(NotificationsRepository);
      const tx = t.app.get(TransactionService);

      // Another instance claims the due rows exactly as OutboxSender does, then dies before sending.
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + 2000);
      const claimed = await tx.run(undefined, async (em) => {
        await repo.claim(em, await repo.findClaimable(em, now, 50, !tx.isSqlite), 'dead-sender', now, leaseUntil);
        return repo.findClaimed(em, 'dead-sender');
      });
      expect(claimed.map((r) => String(r.id))).toEqual(ids);

      // While the lease runs, nobody else takes them.
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      await sleep(300);
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(smtp.received).toHaveLength(0);
      for (const r of await outboxRows(t, ids)) expect(r).toMatchObject({ status: 'pending', attempts: 0, claimToken: 'dead-sender' });

      // Once it has expired, the next drain takes them over and delivers each once.
      await sleep(leaseUntil.getTime() - Date.now() + 20);
      expect(await drain(t)).toEqual({ claimed: 5, sent: 5, retrying: 0, failed: 0 });
      expect(deliveries(smtp, ids)).toEqual(once(ids));
      for (const r of await outboxRows(t, ids)) expect(r).toMatchObject({ status: 'sent', attempts: 1, claimToken: null, leaseUntil: null });

      // The dead sender wakes up and records its own (failed) attempt: its claim is gone, nothing changes.
      const late = await tx.run(undefined, async (em) => {
        await repo.recordFailure(em, Number(ids[0]), 'dead-sender', 'late failure');
        return repo.recordSent(em, ids.map(Number), 'dead-sender', new Date());
      });
      expect(late).toBe(0);
      expect((await outboxRows(t, [ids[0]]))[0]).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(await drain(t)).toMatchObject({ claimed: 0 });
      expect(smtp.received).toHaveLength(5);
    });

    it('a claim in flight is never taken by a second claim before its lease ends', async () => {
      const ids = await queueEmails(t, 3);
      const repo = t.app.get(NotificationsRepository);
      const tx = t.app.get(TransactionService);
      const now = new Date();
      const claimAs = (token: string) => tx.run(undefined, async (em) => {
        await repo.claim(em, ids.map(Number), token, now, new Date(now.getTime() + 60_000));
        return (await repo.findClaimed(em, token)).map((r) => String(r.id));
      });
      expect(await claimAs('first')).toEqual(ids);
      expect(await claimAs('second')).toEqual([]);
      const tokens = (await outboxRows(t, ids)).map((r) => r.claimToken);
      expect(tokens).toEqual(['first', 'first', 'first']);
      // Tidy up so later drains in this app are not blocked by the fake claim.
      await t.dataSource.getRepository(NotificationEntity).update({ id: In(ids.map(Number)) }, { status: 'failed', claimToken: null, leaseUntil: null });
    });
  });

  describe('no SMTP_URL configured', () => {
    it('keeps offers pending in the outbox (scheduler on, nothing sent, nothing dropped) until a server is configured', async () => {
      const db = await sharedTestDatabase();
      let smtp: SmtpSink | undefined;
      let t: TestApp | undefined;
      try {
        t = await startTestApp({ database: db, env: { SCHEDULER_ENABLED: 'true', OUTBOX_POLL_MS: '100' } });
        await setPolicy(t, { lowBalanceThreshold: 1 });
        const mark = tag();
        const acc = await makeAccount(t, { name: `No SMTP ${mark}`, contacts: [{ name: 'Ann', email: `ann.${mark}@client.test` }] });
        await grant(t, acc.id, 2);
        expect((await makeTicket(t, { accountId: acc.id, fault: 'client' })).status).toBe(201); // 2 → 1: crosses

        await sleep(400); // several scheduler periods
        expect(await drain(t)).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0 });
        const listed = (await request(t.http).get(`/api/notifications?accountId=${acc.id}`).set(t.admin.auth)).body;
        expect(listed.total).toBe(1);
        expect(listed.items[0]).toMatchObject({ kind: 'low_balance_offer', status: 'pending', attempts: 0, lastError: null, sentAt: null });
        const id = listed.items[0].id as string;
        await t.close();
        t = undefined;

        // Restarted with a mail server: the queued offer goes out, once.
        smtp = await startSmtpSink();
        t = await startTestApp({ database: db, env: { SMTP_URL: smtp.url } });
        expect(await drain(t)).toMatchObject({ claimed: 1, sent: 1 });
        expect(deliveries(smtp, [id])).toEqual(once([id]));
        expect(smtp.received[0].subject).toBe(`No SMTP ${mark}: 1 point of support left`);
        expect((await outboxRows(t, [id]))[0]).toMatchObject({ status: 'sent', attempts: 1 });
      } finally {
        await t?.close();
        await smtp?.close();
        await db.drop();
      }
    });
  });
});
