/*
 * API.md "Notifications": GET /api/notifications?accountId=&kind=&status=
 * (manager), one message with its bodies, and retrying a failed one. The
 * outbox is filled the way the app fills it (low-balance crossings through
 * the API, plus queued letters) and delivered to a real SMTP server that
 * refuses one mailbox for good, so every status exists.
 */
import request from 'supertest';
import { grant, makeAccount, makeTicket, setPolicy } from '../factories';
import { expectNothingWritten, messageOf, tag } from '../factories/db';
import { drain, outboxRows, queueEmails } from '../factories/outbox';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';
import { SENT_SECRET_BODY } from '../../src/notifications/notifications.repository';

interface Item {
  id: string; kind: string; accountId: string | null; to: string; subject: string; status: string;
  attempts: number; lastError: string | null; nextAttemptAt: string | null; createdAt: string; sentAt: string | null;
}

describe(`notifications API (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: TestUser;
  let agent: TestUser;
  let client: TestUser;
  let a: { id: string; name: string };
  let b: { id: string; name: string };
  const mark = tag();
  const ann = `ann.${mark}@client.test`;
  const bounce = `bounce.${mark}@client.test`;
  const carl = `carl.${mark}@client.test`;
  /** Ids by what they are. */
  const ids = { annOffer: '', bounceOffer: '', carlOffer: '', bLetters: [] as string[], aLetter: '' };

  const get = (url: string, as: TestUser = manager) => request(t.http).get(url).set(as.auth);
  const listOf = async (query: string): Promise<{ items: Item[]; total: number }> => {
    const res = await get(`/api/notifications${query}`);
    if (res.status !== 200) throw new Error(`GET /api/notifications${query}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    // The mail server refuses the bounce mailbox for good (550) and takes everything else.
    smtp = await startSmtpSink({ reject: (m) => (m.to.includes(bounce) ? { code: 550, message: 'no such mailbox' } : null) });
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    manager = await t.user('manager');
    agent = await t.user('agent');
    await setPolicy(t, { lowBalanceThreshold: 1 });
    a = await makeAccount(t, { name: `Alpha ${mark}`, contacts: [{ name: 'Ann Alpha', email: ann }, { name: 'Bo Bounce', email: bounce }] });
    b = await makeAccount(t, { name: `Beta ${mark}`, contacts: [{ name: 'Carl Beta', email: carl }] });
    client = await t.user('client', a.id);
    for (const acc of [a, b]) {
      await grant(t, acc.id, 2);
      expect((await makeTicket(t, { accountId: acc.id, fault: 'client' })).status).toBe(201); // 2 → 1: crosses
    }
    ids.bLetters = await queueEmails(t, 2, { kind: 'letter', accountId: Number(b.id), to: () => carl });
    const round = await drain(t);
    expect(round).toMatchObject({ claimed: 5, sent: 4, failed: 1 });
    ids.aLetter = (await queueEmails(t, 1, { kind: 'letter', accountId: Number(a.id), to: () => ann }))[0];

    const all = (await listOf('?limit=200')).items;
    const offer = (to: string) => all.find((n) => n.kind === 'low_balance_offer' && n.to === to)!.id;
    ids.annOffer = offer(ann);
    ids.bounceOffer = offer(bounce);
    ids.carlOffer = offer(carl);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  describe('GET /api/notifications', () => {
    it('lists the outbox newest first as {items, total}, each item without its bodies', async () => {
      const { items, total } = await listOf('');
      expect(total).toBe(6);
      expect(items).toHaveLength(6);
      const numeric = items.map((n) => Number(n.id));
      expect(numeric).toEqual([...numeric].sort((x, y) => y - x));
      const annOffer = items.find((n) => n.id === ids.annOffer)!;
      expect(annOffer).toEqual({
        id: ids.annOffer, kind: 'low_balance_offer', accountId: a.id, letterId: null, to: ann, subject: `Alpha ${mark}: 1 point of support left`,
        status: 'sent', attempts: 1, lastError: null, nextAttemptAt: null, createdAt: expect.any(String), sentAt: expect.any(String),
      });
      for (const n of items) {
        expect(n).not.toHaveProperty('bodyText');
        expect(n).not.toHaveProperty('bodyHtml');
        expect(typeof n.id).toBe('string');
        expect(new Date(n.createdAt).toISOString()).toBe(n.createdAt);
      }
      const pending = items.find((n) => n.id === ids.aLetter)!;
      expect(pending).toMatchObject({ status: 'pending', attempts: 0, sentAt: null, lastError: null });
      expect(pending.nextAttemptAt).toEqual(expect.any(String));
    });

    it('shows a failed email with its error', async () => {
      const failed = (await listOf('?status=failed')).items;
      expect(failed.map((n) => n.id)).toEqual([ids.bounceOffer]);
      expect(failed[0]).toMatchObject({ status: 'failed', attempts: 1, to: bounce, sentAt: null, nextAttemptAt: null });
      expect(failed[0].lastError).toMatch(/550/);
    });

    it.each([
      ['accountId', (): string => `?accountId=${a.id}`, () => [ids.aLetter, ids.annOffer, ids.bounceOffer]],
      ['accountId (other account)', () => `?accountId=${b.id}`, () => [...ids.bLetters, ids.carlOffer]],
      ['kind', () => '?kind=letter', () => [ids.aLetter, ...ids.bLetters]],
      ['kind (offers)', () => '?kind=low_balance_offer', () => [ids.annOffer, ids.bounceOffer, ids.carlOffer]],
      ['status sent', () => '?status=sent', () => [ids.annOffer, ids.carlOffer, ...ids.bLetters]],
      ['status pending', () => '?status=pending', () => [ids.aLetter]],
      ['accountId + kind + status', () => `?accountId=${b.id}&kind=letter&status=sent`, () => ids.bLetters],
      ['accountId + status', () => `?accountId=${a.id}&status=sent`, () => [ids.annOffer]],
      ['a kind with nothing queued', () => '?kind=purchase_receipt', () => []],
      ['an account with no email', () => '?accountId=999999', () => []],
      ['an accountId that is no id', () => '?accountId=abc', () => []],
    ])('filters by %s', async (_name, query, expected) => {
      const { items, total } = await listOf(query());
      expect(items.map((n) => n.id).sort()).toEqual(expected().sort());
      expect(total).toBe(expected().length);
    });

    it('pages with limit and offset; total stays the whole count', async () => {
      const all = (await listOf('')).items.map((n) => n.id);
      const pages: string[] = [];
      for (const offset of [0, 2, 4]) {
        const p = await listOf(`?limit=2&offset=${offset}`);
        expect(p.total).toBe(6);
        expect(p.items).toHaveLength(2);
        pages.push(...p.items.map((n) => n.id));
      }
      expect(pages).toEqual(all);
      expect(await listOf('?limit=2&offset=6')).toEqual({ items: [], total: 6 });
      const filtered = await listOf('?status=sent&limit=1&offset=1');
      expect(filtered.total).toBe(4);
      expect(filtered.items).toHaveLength(1);
    });

    it.each([
      ['?kind=sms', 'kind'],
      ['?status=delivered', 'status'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?offset=-1', 'offset'],
      ['?limit=abc', 'limit'],
      ['?colour=red', 'colour'],
    ])('refuses %s with 400 naming %s', async (query, field) => {
      const res = await get(`/api/notifications${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res.body)).toContain(field);
    });
  });

  describe('GET /api/notifications/:id', () => {
    it('has the text and HTML bodies as rendered for the recipient', async () => {
      const res = await get(`/api/notifications/${ids.annOffer}`);
      expect(res.status).toBe(200);
      const fromList = (await listOf(`?accountId=${a.id}`)).items.find((n) => n.id === ids.annOffer);
      expect(res.body).toEqual({ ...fromList, bodyText: expect.any(String), bodyHtml: expect.any(String), bodyHidden: false });
      expect(res.body.bodyText).toContain('Dear Ann Alpha');
      expect(res.body.bodyText).toContain('Buy 5 get 6');
      expect(res.body.bodyHtml).toContain('<p>Dear Ann Alpha,</p>');
      // What was mailed is what the outbox shows.
      const mailed = smtp.received.find((m) => m.notificationId === ids.annOffer)!;
      expect(mailed.text.trim()).toBe(res.body.bodyText.trim());
    });

    it('answers 404 for an id that names nothing, whatever its shape', async () => {
      for (const id of ['999999', 'abc', '0', '-1', '1.5', '999999999999999']) {
        const res = await get(`/api/notifications/${id}`);
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
    });
  });

  describe('POST /api/notifications/:id/retry', () => {
    it('refuses a sent or pending email with 409 and an unknown one with 404, writing nothing', async () => {
      await expectNothingWritten(t, async () => {
        for (const id of [ids.annOffer, ids.aLetter]) {
          const res = await request(t.http).post(`/api/notifications/${id}/retry`).set(manager.auth);
          expect({ id, status: res.status }).toEqual({ id, status: 409 });
          expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
          expect(messageOf(res.body)).toMatch(/sent|pending/);
        }
        for (const id of ['999999', 'abc', '0']) {
          const res = await request(t.http).post(`/api/notifications/${id}/retry`).set(manager.auth);
          expect({ id, status: res.status }).toEqual({ id, status: 404 });
        }
      });
    });

    it('puts a failed email back in the queue: pending, attempts 0, due now', async () => {
      const before = Date.now();
      const res = await request(t.http).post(`/api/notifications/${ids.bounceOffer}/retry`).set(manager.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.bounceOffer, status: 'pending', attempts: 0, sentAt: null });
      expect(new Date(res.body.nextAttemptAt).getTime()).toBeLessThanOrEqual(Date.now());
      expect(new Date(res.body.nextAttemptAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect((await get(`/api/notifications/${ids.bounceOffer}`)).body.status).toBe('pending');
      // Once pending it cannot be retried again.
      expect((await request(t.http).post(`/api/notifications/${ids.bounceOffer}/retry`).set(manager.auth)).status).toBe(409);
    });
  });

  describe('roles', () => {
    it('is for managers and admins only: agent and client get 403, anonymous 401, and nothing changes', async () => {
      const urls = () => [`/api/notifications`, `/api/notifications?accountId=${a.id}`, `/api/notifications/${ids.annOffer}`];
      for (const who of [manager, t.admin]) {
        for (const url of urls()) expect({ who: who.role, url, status: (await get(url, who)).status }).toEqual({ who: who.role, url, status: 200 });
      }
      await expectNothingWritten(t, async () => {
        for (const who of [agent, client]) {
          for (const url of urls()) expect({ who: who.role, url, status: (await get(url, who)).status }).toEqual({ who: who.role, url, status: 403 });
          const retry = await request(t.http).post(`/api/notifications/${ids.bounceOffer}/retry`).set(who.auth);
          expect({ who: who.role, status: retry.status }).toEqual({ who: who.role, status: 403 });
        }
        for (const url of urls()) expect({ url, status: (await request(t.http).get(url)).status }).toEqual({ url, status: 401 });
        expect((await request(t.http).post(`/api/notifications/${ids.bounceOffer}/retry`)).status).toBe(401);
      });
    });
  });
});

describe(`invitation emails in the outbox (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: TestUser;
  const mark = tag();

  beforeAll(async () => {
    smtp = await startSmtpSink({ reject: (m) => (m.to.some((to) => to.startsWith(`bounce.${mark}`)) ? { code: 550, message: 'no such mailbox' } : null) });
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    manager = await t.user('manager');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('keeps an invitation\'s body (its link) only until it is sent, a failed one for a retry; other emails keep theirs', async () => {
    // One round holding both kinds: invitations (one to a mailbox that refuses it) and letters.
    const invitations = await queueEmails(t, 3, { kind: 'invitation', to: (i) => (i === 1 ? `bounce.${mark}@client.test` : `inv${i}.${mark}@client.test`) });
    const letters = await queueEmails(t, 2, { kind: 'letter', to: (i) => `letter${i}.${mark}@client.test` });
    const queued = new Map((await outboxRows(t, [...invitations, ...letters])).map((r) => [String(r.id), r]));
    expect(await drain(t)).toMatchObject({ claimed: 5, sent: 4, failed: 1 });

    // What went out is the email as rendered, link and all.
    for (const id of [invitations[0], invitations[2], ...letters]) {
      const mailed = smtp.received.find((m) => m.notificationId === id)!;
      expect(mailed.text.trim()).toBe(queued.get(id)!.bodyText.trim());
    }
    const after = new Map((await outboxRows(t, [...invitations, ...letters])).map((r) => [String(r.id), r]));
    for (const id of [invitations[0], invitations[2]]) {
      expect(after.get(id)).toMatchObject({ status: 'sent', bodyText: SENT_SECRET_BODY.text, bodyHtml: SENT_SECRET_BODY.html });
    }
    // Failed: kept as it was, so a retry can send it.
    expect(after.get(invitations[1])).toMatchObject({ status: 'failed', bodyText: queued.get(invitations[1])!.bodyText, bodyHtml: queued.get(invitations[1])!.bodyHtml });
    for (const id of letters) {
      expect(after.get(id)).toMatchObject({ status: 'sent', bodyText: queued.get(id)!.bodyText, bodyHtml: queued.get(id)!.bodyHtml });
    }
  });

  it('never shows an invitation\'s body, whatever its status; every other email\'s is shown', async () => {
    const [pending] = await queueEmails(t, 1, { kind: 'invitation' });
    const [letter] = await queueEmails(t, 1, { kind: 'letter' });
    const failed = (await request(t.http).get('/api/notifications?kind=invitation&status=failed').set(manager.auth)).body.items;
    const sent = (await request(t.http).get('/api/notifications?kind=invitation&status=sent').set(manager.auth)).body.items;
    expect(failed.length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(0);
    for (const id of [pending, failed[0].id, sent[0].id]) {
      const res = await request(t.http).get(`/api/notifications/${id}`).set(manager.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, kind: 'invitation', bodyText: null, bodyHtml: null, bodyHidden: true });
    }
    const shown = await request(t.http).get(`/api/notifications/${letter}`).set(manager.auth);
    expect(shown.body).toMatchObject({ id: letter, kind: 'letter', bodyText: expect.stringContaining('Dear Contact 0'), bodyHidden: false });
    expect(shown.body.bodyHtml).toContain('<p>Dear Contact 0,</p>');
  });
});
