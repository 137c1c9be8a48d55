/*
 * Issue 5's key requirement: "Stopping the server mid-campaign and starting
 * it again finishes the campaign with no duplicates: test exactly that",
 * counted at a real SMTP server. App 1 (scheduler on, small batches) starts
 * sending a letter to 60 accounts with 1–3 contacts each and is closed once
 * some but not all accounts are done; app 2 starts on the same database and
 * finishes. Every contact must have received exactly one email, with its own
 * account's figures, and every account exactly one grant with the letter's id.
 *
 * On MariaDB, two instances then run a second campaign at once (both
 * schedulers, plus batch rounds called from both in parallel): still one
 * grant per account and one email per contact.
 */
import request from 'supertest';
import { LettersService } from '../../src/letters/letters.service';
import { approveLetter, LetterBody, makeAccount, makeLetter, sendLetter } from '../factories';
import { sleep, waitUntil } from '../factories/outbox';
import { tag } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { ReceivedMail, startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { sharedTestDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { onMariaDb, TestDatabase } from '../helpers/test-database';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';
const ACCOUNTS = 60;
const GRANT = 10;
const FROM = { first: 'first@pointdesk.test', second: 'second@pointdesk.test', third: 'third@pointdesk.test' };

interface Seeded { id: string; name: string; before: number; emails: string[]; enrolled: boolean }

describe(`a campaign survives a restart with no duplicates (${DB})`, () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let third: TestApp | undefined;
  const mark = tag();
  const accounts: Seeded[] = [];
  const env = (from: string) => ({
    SMTP_URL: smtp.url, MAIL_FROM: `Pointdesk <${from}>`, SCHEDULER_ENABLED: 'true',
    CAMPAIGN_BATCH_SIZE: '5', CAMPAIGN_BATCH_INTERVAL_MS: '50', OUTBOX_POLL_MS: '50', OUTBOX_BATCH_SIZE: '10',
  });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    db = await sharedTestDatabase();
  });
  afterAll(async () => {
    await third?.close();
    await second?.close();
    await first?.close();
    await smtp?.close();
    await db?.drop();
  });

  const q = async (t: TestApp, sql: string, params: unknown[] = []) => t.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
  const recipientCounts = async (t: TestApp, letterId: string) => {
    const rows = await q(t, 'SELECT status, COUNT(*) AS n FROM letter_recipients WHERE letter_id = ? GROUP BY status', [Number(letterId)]);
    const out: Record<string, number> = { pending: 0, done: 0, skipped: 0 };
    for (const r of rows) out[String(r.status)] = Number(r.n);
    return out;
  };
  const letterOf = async (t: TestApp, id: string): Promise<LetterBody> =>
    (await request(t.http).get(`/api/letters/${id}`).set(t.admin.auth).expect(200)).body;
  /** Waits for `sent`, checking on the way that `sent` is never shown while an email is pending. */
  const waitSent = async (t: TestApp, id: string, timeoutMs: number) => {
    let last: LetterBody | undefined;
    await waitUntil(`letter ${id} sent`, async () => {
      last = await letterOf(t, id);
      if (last.status === 'sent') expect(last.recipients.pending).toBe(0);
      return last.status === 'sent';
    }, timeoutMs, 50).catch((err: Error) => { throw new Error(`${err.message}; last seen ${JSON.stringify(last)}; mails ${smtp.received.length}`); });
    return last!;
  };
  /** The letter's emails at the SMTP server, counted per recipient address. */
  const perAddress = (mails: ReceivedMail[]) => {
    const out = new Map<string, number>();
    for (const m of mails) for (const to of m.to) out.set(to, (out.get(to) ?? 0) + 1);
    return out;
  };
  const allEmails = () => accounts.flatMap((a) => a.emails).sort();

  it(`stopped mid-campaign and started again, it finishes: one email per contact, one grant per account (${ACCOUNTS} accounts)`, async () => {
    const began = Date.now();
    first = await startTestApp({ database: db, env: env(FROM.first) });
    for (let i = 0; i < ACCOUNTS; i++) {
      const contacts = Array.from({ length: (i % 3) + 1 }, (_, c) => ({ name: `Contact ${i}.${c}`, email: `r${i}c${c}.${mark}@client.test` }));
      const acc = await makeAccount(first, { name: `Restart ${String(i).padStart(2, '0')} ${mark}`, contacts });
      const before = i % 4;
      if (before > 0) await request(first.http).post(`/api/accounts/${acc.id}/points/grants`).set(first.admin.auth).send({ points: before, reason: 'earlier goodwill' }).expect(201);
      const enrolled = i % 20 === 7;
      if (enrolled) {
        const client = await first.user('client', acc.id);
        await request(first.http).post(`/api/accounts/${acc.id}/terms/accept`).set(client.auth).expect(200);
      }
      accounts.push({ id: acc.id, name: acc.name, before, emails: contacts.map((c) => c.email), enrolled });
    }
    const totalEmails = allEmails().length;
    expect(totalEmails).toBe(120);

    const letter = await makeLetter(first, {
      title: `Restart campaign ${mark}`, grantPoints: GRANT, audience: {},
      subject: 'Restart test, {{account.name}}',
      body: 'Dear {{contact.name}},\n\n{{account.name}} had {{balance}} points and now has {{balanceAfterGrant}}.',
    });
    await approveLetter(first, letter.id);
    const started = await sendLetter(first, letter.id);
    expect(started.recipients).toEqual({ total: totalEmails, sent: 0, failed: 0, pending: totalEmails });
    expect(started.accounts).toEqual({ total: ACCOUNTS, pending: ACCOUNTS, done: 0, skipped: 0 });

    // Mid-campaign: some accounts done, most still pending. Then the server stops.
    await waitUntil('some accounts done', async () => (await recipientCounts(first!, letter.id)).done >= 10, 20_000, 5);
    await first.close();
    first = undefined;
    const mailsByFirst = smtp.received.filter((m) => m.from === FROM.first).length;

    // Stopped means stopped: nothing more arrives while no server runs.
    await sleep(300);
    expect(smtp.received.filter((m) => m.from === FROM.first)).toHaveLength(mailsByFirst);

    second = await startTestApp({ database: db, env: env(FROM.second) });
    const left = await recipientCounts(second, letter.id);
    expect(left.done).toBeGreaterThan(0);
    expect(left.pending).toBeGreaterThan(0);
    expect(left.done + left.pending).toBe(ACCOUNTS);
    expect((await letterOf(second, letter.id)).status).toBe('sending');

    const finished = await waitSent(second, letter.id, 30_000);
    // A few more rounds of both loops: a duplicate would show now.
    await sleep(400);

    expect(finished).toMatchObject({
      status: 'sent', recipients: { total: totalEmails, sent: totalEmails, failed: 0, pending: 0 },
      accounts: { total: ACCOUNTS, pending: 0, done: ACCOUNTS, skipped: 0 },
    });
    const mails = smtp.received.filter((m) => m.subject.startsWith('Restart test, '));
    const counts = perAddress(mails);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(allEmails());
    expect(mails).toHaveLength(totalEmails);
    expect(new Set(mails.map((m) => m.notificationId)).size).toBe(totalEmails);
    // Both servers delivered part of the campaign.
    const bySecond = mails.filter((m) => m.from === FROM.second).length;
    expect(bySecond).toBeGreaterThan(0);
    expect(mails.filter((m) => m.from === FROM.first).length + bySecond).toBe(totalEmails);

    // Each email carries its own account's figures.
    for (const a of accounts) {
      for (const to of a.emails) {
        const m = mails.find((x) => x.to.includes(to))!;
        expect({ to, subject: m.subject, line: m.text.split('\n').find((l) => l.includes(' had '))?.trim() }).toEqual({
          to, subject: `Restart test, ${a.name}`, line: `${a.name} had ${a.before} points and now has ${a.before + GRANT}.`,
        });
      }
    }

    // Exactly one grant with the letter's id per account, and the balances add up.
    const grants = await q(second, 'SELECT account_id, COUNT(*) AS n, SUM(delta) AS points FROM ledger_entries WHERE letter_id = ? GROUP BY account_id', [Number(letter.id)]);
    expect(grants).toHaveLength(ACCOUNTS);
    expect(grants.filter((g) => Number(g.n) !== 1 || Number(g.points) !== GRANT)).toEqual([]);
    for (const a of accounts) {
      const view = (await request(second.http).get(`/api/accounts/${a.id}`).set(second.admin.auth).expect(200)).body;
      expect({ id: a.id, balance: view.balance, policyStatus: view.policyStatus })
        .toEqual({ id: a.id, balance: a.before + GRANT, policyStatus: a.enrolled ? 'enrolled' : 'notified' });
    }
    const outbox = await q(second, 'SELECT status, COUNT(*) AS n FROM notifications WHERE letter_id = ? GROUP BY status', [Number(letter.id)]);
    expect(outbox.map((r) => [r.status, Number(r.n)])).toEqual([['sent', totalEmails]]);
    await expectLedgerInvariants(second.dataSource);
    expect(Date.now() - began).toBeLessThan(50_000);
  });

  (onMariaDb() ? it : it.skip)('two instances at once over one campaign: still one grant per account and one email per contact (MariaDB)', async () => {
    if (!second) throw new Error('the restart test must run first');
    third = await startTestApp({ database: db, env: env(FROM.third) });
    // Accounts each instance did, counted as their LettersService reports them (scheduler and explicit rounds alike).
    const did = { second: 0, third: 0 };
    const errors: string[] = [];
    for (const [name, app] of [['second', second], ['third', third]] as const) {
      const letters = app.app.get(LettersService);
      const run = letters.runBatch.bind(letters);
      letters.runBatch = async () => {
        try {
          const n = await run();
          did[name] += n;
          return n;
        } catch (err) {
          errors.push(`${name}: ${(err as Error).message}`);
          throw err;
        }
      };
    }
    const letter = await makeLetter(second, {
      title: `Two instances ${mark}`, grantPoints: 3, audience: {},
      subject: 'Two instances, {{account.name}}', body: '{{balance}} → {{balanceAfterGrant}}',
    });
    await approveLetter(second, letter.id);
    await sendLetter(third, letter.id);
    // Besides both schedulers, rounds from both instances in parallel, as fast as they go.
    const loop = async (app: TestApp) => {
      const letters = app.app.get(LettersService);
      while ((await recipientCounts(app, letter.id)).pending > 0) await letters.runBatch().catch(() => undefined);
    };
    await Promise.all([loop(second), loop(third), loop(second), loop(third)]);
    await waitSent(third, letter.id, 30_000);
    await sleep(400);

    // Every account claimed by exactly one round of one instance. (Which instance wins is not fixed: a
    // round that waits on the other's claim finds the rows taken, so one instance may do them all.)
    expect(did.second + did.third).toBe(ACCOUNTS);
    const mails = smtp.received.filter((m) => m.subject.startsWith('Two instances, '));
    // Both outbox senders delivered part of it.
    expect(mails.filter((m) => m.from === FROM.second).length).toBeGreaterThan(0);
    expect(mails.filter((m) => m.from === FROM.third).length).toBeGreaterThan(0);
    const counts = perAddress(mails);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(allEmails());
    const grants = await q(third, 'SELECT account_id, COUNT(*) AS n FROM ledger_entries WHERE letter_id = ? GROUP BY account_id', [Number(letter.id)]);
    expect(grants).toHaveLength(ACCOUNTS);
    expect(grants.filter((g) => Number(g.n) !== 1)).toEqual([]);
    expect(await letterOf(second, letter.id)).toMatchObject({
      status: 'sent', recipients: { total: 120, sent: 120, failed: 0, pending: 0 }, accounts: { total: ACCOUNTS, done: ACCOUNTS, pending: 0, skipped: 0 },
    });
    await expectLedgerInvariants(third.dataSource);
    // Rounds that failed (a lock conflict) kept nothing; say how many, for the record.
    if (errors.length) console.warn(`letters-restart: ${errors.length} batch round(s) failed and were retried: ${[...new Set(errors)].slice(0, 3).join(' | ')}`);
  });
});
