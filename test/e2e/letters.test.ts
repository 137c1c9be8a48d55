/*
 * API.md "Announcement letters" and issue 5: drafting with merge fields
 * checked on save, the draft → approved → sending → sent states (409 for
 * every other move), the per-account preview, the audience filters over
 * active accounts, and a whole campaign delivered to a real SMTP server:
 * for each account of the frozen audience exactly one grant with letterId,
 * one email per contact with its own rendered text (data escaped in the HTML
 * part), legacy → notified, closed-meanwhile accounts skipped, live progress
 * and the audit trail.
 */
import request from 'supertest';
import { TicketEntity } from '../../src/tickets/ticket.entity';
import {
  approveLetter, approvedLetter, balanceOf, grant, LetterBody, letterInput, letterOf, makeAccount, makeLetter, makeTicket,
  runCampaigns, sendLetter,
} from '../factories';
import { auditOf, expectNothingWritten, messageOf, tag } from '../factories/db';
import { drain } from '../factories/outbox';
import { expectLedgerInvariants } from '../helpers/invariants';
import { ReceivedMail, startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';
import { LettersService } from '../../src/letters/letters.service';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';
const DAY = 86_400_000;
const UNKNOWN_IDS = ['999999', 'abc', '0', '-1', '1.5', '999999999999999'];

interface Entry { id: string; kind: string; delta: number; balanceAfter: number; reason: string; letterId: string | null; actorId: string | null }
interface Account { id: string; name: string; policyStatus: string; status: string; balance: number; contacts: { id: string; name: string; email: string }[] }
interface Summary { accounts: number; emails: number; accountsWithoutContacts: number; pointsPerAccount: number; points: number; sample: { id: string; name: string }[] }

const count = async (t: TestApp, table: string, where = '1 = 1', params: unknown[] = []) =>
  Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);

const entriesOf = async (t: TestApp, accountId: string): Promise<Entry[]> => {
  const res = await request(t.http).get(`/api/accounts/${accountId}/points?limit=200`).set(t.admin.auth);
  if (res.status !== 200) throw new Error(`points ${accountId}: ${res.status}`);
  return res.body.items;
};
const letterGrants = async (t: TestApp, accountId: string, letterId: string) =>
  (await entriesOf(t, accountId)).filter((e) => e.letterId === letterId);
const accountOf = async (t: TestApp, id: string): Promise<Account> =>
  (await request(t.http).get(`/api/accounts/${id}`).set(t.admin.auth).expect(200)).body;
const closeAccount = (t: TestApp, id: string) =>
  request(t.http).post(`/api/accounts/${id}/close`).set(t.admin.auth).send({ reason: 'moved to a competitor' }).expect(200);

describe(`announcement letters: drafting, states and preview (${DB})`, () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  const mark = tag();

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    agent = await t.user('agent');
  });
  afterAll(async () => { await t.close(); });

  const post = (body: object, as: TestUser = manager) => request(t.http).post('/api/letters').set(as.auth).send(body);
  const patch = (id: string, body: object) => request(t.http).patch(`/api/letters/${id}`).set(manager.auth).send(body);
  const act = (id: string, what: 'approve' | 'send') => request(t.http).post(`/api/letters/${id}/${what}`).set(manager.auth);
  const preview = (id: string, accountId?: string) =>
    request(t.http).get(`/api/letters/${id}/preview`).query(accountId === undefined ? {} : { accountId }).set(manager.auth);

  /** A refused POST /api/letters: 400 naming `field`, and no table changed (letters and audit included). */
  async function refusedCreate(body: object, ...fields: string[]) {
    const letters = await count(t, 'letters');
    const res = await expectNothingWritten(t, () => post(body));
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    for (const f of fields) expect(messageOf(res.body)).toContain(f);
    expect(await count(t, 'letters')).toBe(letters);
    return messageOf(res.body);
  }

  describe('POST /api/letters', () => {
    it('creates a draft with no progress yet, the creator, and an audit row', async () => {
      const input = letterInput({ audience: { favoured: true, minIncidents: 2 }, grantPoints: 3 });
      const res = await post(input);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String), title: input.title, subject: input.subject, body: input.body, grantPoints: 3, status: 'draft',
        // The window defaults to 90 days and is stored with the filter.
        audience: { favoured: true, minIncidents: 2, incidentWindowDays: 90 },
        recipients: { total: 0, sent: 0, failed: 0, pending: 0 },
        createdById: manager.id, approvedById: null, sentAt: null,
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
      const got = await request(t.http).get(`/api/letters/${res.body.id}`).set(manager.auth).expect(200);
      expect(got.body).toEqual(res.body);
      const list = await request(t.http).get('/api/letters').set(manager.auth).expect(200);
      expect(list.body.items.map((l: LetterBody) => l.id)).toContain(res.body.id);
      expect(list.body.total).toBe(await count(t, 'letters'));

      const audit = await auditOf(t, 'letter', res.body.id);
      expect(audit.map((a) => a.action)).toEqual(['letter.create']);
      expect(audit[0].actorId).toBe(manager.id);
    });

    it('defaults grantPoints to 0', async () => {
      const { grantPoints: _, ...input } = letterInput();
      const res = await post(input).expect(201);
      expect(res.body.grantPoints).toBe(0);
    });

    it('refuses an unknown merge field in the subject, naming the subject and the field, and writes nothing', async () => {
      const msg = await refusedCreate(letterInput({ subject: 'Hello {{account.name}}, call {{contact.phone}}' }), 'subject', '{{contact.phone}}');
      // It says which fields are known.
      expect(msg).toContain('{{balanceAfterGrant}}');
      expect(msg).not.toMatch(/\bbody\b/);
    });

    it('refuses an unknown merge field in the body, naming the body and the field', async () => {
      const msg = await refusedCreate(letterInput({ body: 'Dear {{contact.name}}, you owe {{account.debt}}.' }), 'body', '{{account.debt}}');
      expect(msg).not.toMatch(/\bsubject\b/);
    });

    it('refuses unknown fields in subject and body at once, naming both', async () => {
      await refusedCreate(letterInput({ subject: '{{nope}}', body: '{{Balance}}' }), 'subject', '{{nope}}', 'body', '{{Balance}}');
    });

    it('refuses a merge field that is not closed', async () => {
      await refusedCreate(letterInput({ body: 'You have {{balance points.' }), 'body');
      await refusedCreate(letterInput({ subject: 'Hello {{account.name}' }), 'subject');
    });

    it('refuses a missing or empty title, subject or body', async () => {
      const { title: _t, ...noTitle } = letterInput();
      await refusedCreate(noTitle, 'title');
      await refusedCreate(letterInput({ title: '   ' }), 'title');
      const { subject: _s, ...noSubject } = letterInput();
      await refusedCreate(noSubject, 'subject');
      const { body: _b, ...noBody } = letterInput();
      await refusedCreate(noBody, 'body');
      const { audience: _a, ...noAudience } = letterInput();
      await refusedCreate(noAudience, 'audience');
    });

    it('refuses grantPoints outside 0..1000 or not an integer', async () => {
      for (const grantPoints of [1001, -1, 2.5, '5', null]) {
        await refusedCreate(letterInput({ grantPoints: grantPoints as number }), 'grantPoints');
      }
      expect((await post(letterInput({ grantPoints: 1000 }))).status).toBe(201);
    });

    it('refuses an unknown audience key or a bad filter value, naming it', async () => {
      await refusedCreate(letterInput({ audience: { vip: true } }), 'vip');
      await refusedCreate(letterInput({ audience: { favoured: 'yes' } }), 'favoured');
      await refusedCreate(letterInput({ audience: { minIncidents: -1 } }), 'minIncidents');
      await refusedCreate(letterInput({ audience: { minIncidents: 2, incidentWindowDays: 0 } }), 'incidentWindowDays');
      await refusedCreate({ ...letterInput(), audience: 'everyone' }, 'audience');
    });

    it('refuses a date that is not a calendar date', async () => {
      for (const customerSinceBefore of ['2024-02-30', '2024-13-01', 'yesterday', '2024-1-5']) {
        await refusedCreate(letterInput({ audience: { customerSinceBefore } }), 'customerSinceBefore');
      }
    });

    it('refuses unknown body fields (a status cannot be set)', async () => {
      await refusedCreate({ ...letterInput(), status: 'sent' }, 'status');
    });

    it('is for managers: an agent gets 403 and nothing is written', async () => {
      const letters = await count(t, 'letters');
      const res = await expectNothingWritten(t, () => post(letterInput(), agent));
      expect(res.status).toBe(403);
      expect(await count(t, 'letters')).toBe(letters);
    });
  });

  describe('PATCH /api/letters/:id', () => {
    it('changes a draft, checks merge fields again, and audits what changed', async () => {
      const letter = await makeLetter(t, {}, manager);
      const res = await patch(letter.id, { subject: 'Points for {{account.name}}', grantPoints: 7 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: letter.id, status: 'draft', subject: 'Points for {{account.name}}', grantPoints: 7, title: letter.title, body: letter.body });

      const before = await letterOf(t, letter.id);
      const bad = await expectNothingWritten(t, () => patch(letter.id, { body: 'Your {{contact.phone}}' }));
      expect(bad.status).toBe(400);
      expect(messageOf(bad.body)).toContain('body');
      expect(messageOf(bad.body)).toContain('{{contact.phone}}');
      const badPoints = await patch(letter.id, { grantPoints: 1001 });
      expect(badPoints.status).toBe(400);
      expect(messageOf(badPoints.body)).toContain('grantPoints');
      expect(await letterOf(t, letter.id)).toEqual(before);

      const audit = await auditOf(t, 'letter', letter.id);
      expect(audit.map((a) => a.action)).toEqual(['letter.update', 'letter.create']);
      expect(audit[0]).toMatchObject({
        actorId: manager.id,
        before: { subject: letter.subject, grantPoints: letter.grantPoints },
        after: { subject: 'Points for {{account.name}}', grantPoints: 7 },
      });
    });

    it('answers 409 once the letter is approved, and again once it is sending, changing nothing', async () => {
      const letter = await approvedLetter(t, { audience: { customerSinceBefore: '1900-01-01' } });
      const approved = await letterOf(t, letter.id);
      for (const body of [{ title: 'Too late' }, { grantPoints: 1 }, { audience: {} }]) {
        const res = await expectNothingWritten(t, () => patch(letter.id, body));
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      expect(await letterOf(t, letter.id)).toEqual(approved);
      await sendLetter(t, letter.id);
      const res = await patch(letter.id, { title: 'Still too late' });
      expect(res.status).toBe(409);
      expect((await letterOf(t, letter.id)).title).toBe(letter.title);
    });
  });

  describe('approve and send: only in order', () => {
    it('approves a draft once (a second approve is 409), records the approver, and audits it', async () => {
      const letter = await makeLetter(t, {}, manager);
      const res = await act(letter.id, 'approve');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: letter.id, status: 'approved', approvedById: manager.id, approvedAt: expect.any(String) });
      const again = await expectNothingWritten(t, () => act(letter.id, 'approve'));
      expect(again.status).toBe(409);
      expect((await letterOf(t, letter.id)).status).toBe('approved');
      expect((await auditOf(t, 'letter', letter.id)).map((a) => a.action)).toEqual(['letter.approve', 'letter.create']);
    });

    it('refuses to send a draft (409), writing nothing', async () => {
      const letter = await makeLetter(t, {}, manager);
      const res = await expectNothingWritten(t, () => act(letter.id, 'send'));
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect((await letterOf(t, letter.id)).status).toBe('draft');
      expect(await count(t, 'letter_recipients', 'letter_id = ?', [Number(letter.id)])).toBe(0);
    });

    it('sends an approved letter once: 202 sending, then 409 for a second send and for approve', async () => {
      await makeAccount(t);
      const letter = await approvedLetter(t);
      const res = await act(letter.id, 'send');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: letter.id, status: 'sending', sentById: manager.id, sendStartedAt: expect.any(String) });
      const frozen = await count(t, 'letter_recipients', 'letter_id = ?', [Number(letter.id)]);
      expect(frozen).toBe(res.body.accounts.total);
      expect(frozen).toBeGreaterThan(0);
      for (const what of ['send', 'approve'] as const) {
        const again = await expectNothingWritten(t, () => act(letter.id, what));
        expect(again.status).toBe(409);
      }
      expect(await count(t, 'letter_recipients', 'letter_id = ?', [Number(letter.id)])).toBe(frozen);
      expect((await auditOf(t, 'letter', letter.id)).map((a) => a.action)).toEqual(['letter.send', 'letter.approve', 'letter.create']);
    });

    it('two sends racing: one 202 and one 409, the audience frozen once, one letter.send audit row', async () => {
      await makeAccount(t);
      const letter = await approvedLetter(t);
      const results = await Promise.all([act(letter.id, 'send'), act(letter.id, 'send'), act(letter.id, 'send')]);
      expect(results.map((r) => r.status).sort()).toEqual([202, 409, 409]);
      const audience = (await request(t.http).get(`/api/letters/${letter.id}/audience`).set(manager.auth).expect(200)).body as Summary;
      expect(await count(t, 'letter_recipients', 'letter_id = ?', [Number(letter.id)])).toBe(audience.accounts);
      expect(await count(t, 'letter_recipients', 'letter_id = ?', [Number(letter.id)])).toBe(
        Number((await t.dataSource.query('SELECT COUNT(DISTINCT account_id) AS n FROM letter_recipients WHERE letter_id = ?', [Number(letter.id)]))[0].n),
      );
      expect((await auditOf(t, 'letter', letter.id)).filter((a) => a.action === 'letter.send')).toHaveLength(1);
    });

    it('two approves racing: one 200 and one 409', async () => {
      const letter = await makeLetter(t, {}, manager);
      const results = await Promise.all([act(letter.id, 'approve'), act(letter.id, 'approve')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await auditOf(t, 'letter', letter.id)).filter((a) => a.action === 'letter.approve')).toHaveLength(1);
    });

    it.each(UNKNOWN_IDS)('answers 404 for letter id %s everywhere, writing nothing', async (id) => {
      await expectNothingWritten(t, async () => {
        for (const [method, path, body] of [
          ['get', ''], ['patch', '', { title: 'Ghost' }], ['post', '/approve'], ['post', '/send'],
          ['get', '/preview'], ['get', '/audience'], ['get', '/recipients'],
        ] as const) {
          let req = request(t.http)[method](`/api/letters/${id}${path}`).set(manager.auth);
          if (body) req = req.send(body);
          const res = await req;
          expect({ id, path, status: res.status }).toEqual({ id, path, status: 404 });
        }
      });
    });
  });

  describe('GET /api/letters/:id/preview', () => {
    let alpha: Account;
    let beta: Account;
    let outside: Account;
    let letter: LetterBody;

    beforeAll(async () => {
      // Created out of name order: the default preview is the first account by name, not by id.
      beta = await makeAccount(t, { name: `Pv Beta ${mark}`, favoured: true, contacts: [{ name: 'Pete Beta', email: `pete.${mark}@client.test` }, { name: 'Second', email: `second.${mark}@client.test` }] }) as Account;
      alpha = await makeAccount(t, { name: `Pv Alpha ${mark}`, favoured: true, contacts: [{ name: 'Paula Alpha', email: `paula.${mark}@client.test` }] }) as Account;
      outside = await makeAccount(t, { name: `Pv Outside ${mark}`, favoured: false }) as Account;
      await grant(t, alpha.id, 4);
      await grant(t, beta.id, 9);
      letter = await makeLetter(t, {
        audience: { favoured: true }, grantPoints: 10,
        subject: '{{account.name}}: {{balanceAfterGrant}} points',
        body: 'Dear {{contact.name}} of {{account.name}},\nyou have {{balance}} points; we add {{grantPoints}}: {{balanceAfterGrant}}.',
      }, manager);
    });

    it("renders the letter for each account's first contact, with its own name, balance and balance after the grant", async () => {
      const a = await preview(letter.id, alpha.id);
      expect(a.status).toBe(200);
      expect(a.body).toEqual({
        accountId: alpha.id, accountName: alpha.name, to: `paula.${mark}@client.test`,
        subject: `${alpha.name}: 14 points`,
        body: `Dear Paula Alpha of ${alpha.name},\nyou have 4 points; we add 10: 14.`,
      });
      const b = await preview(letter.id, beta.id);
      expect(b.status).toBe(200);
      expect(b.body).toEqual({
        accountId: beta.id, accountName: beta.name, to: `pete.${mark}@client.test`,
        subject: `${beta.name}: 19 points`,
        body: `Dear Pete Beta of ${beta.name},\nyou have 9 points; we add 10: 19.`,
      });
    });

    it('shows the first account of the audience by name when no account is given', async () => {
      const res = await preview(letter.id);
      expect(res.status).toBe(200);
      expect(res.body.accountId).toBe(alpha.id);
    });

    it('follows a change of the draft', async () => {
      const draft = await makeLetter(t, { audience: { favoured: true }, grantPoints: 1, body: '{{balanceAfterGrant}}' }, manager);
      expect((await preview(draft.id, beta.id)).body.body).toBe('10');
      await patch(draft.id, { grantPoints: 5, body: 'now {{balanceAfterGrant}}' }).expect(200);
      expect((await preview(draft.id, beta.id)).body.body).toBe('now 14');
    });

    it('refuses an account outside the audience with 400 naming accountId: not favoured, or closed', async () => {
      const res = await preview(letter.id, outside.id);
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toContain('accountId');
      const closed = await makeAccount(t, { name: `Pv Closed ${mark}`, favoured: true }) as Account;
      expect((await preview(letter.id, closed.id)).status).toBe(200);
      await closeAccount(t, closed.id);
      const after = await preview(letter.id, closed.id);
      expect(after.status).toBe(400);
      expect(messageOf(after.body)).toContain('accountId');
    });

    it('answers 404 for an accountId that names no account, whatever its shape', async () => {
      for (const accountId of UNKNOWN_IDS) {
        const res = await preview(letter.id, accountId);
        expect({ accountId, status: res.status }).toEqual({ accountId, status: 404 });
      }
    });
  });
});

describe(`announcement letters: the audience (${DB})`, () => {
  let t: TestApp;
  const mark = tag();
  const acc: Record<'fav1' | 'fav2' | 'plain1' | 'plain2' | 'bare' | 'closed', Account> = {} as never;

  /** Logs `n` email tickets (free) for an account now, and moves `backdated` of them `daysAgo` into the past. */
  async function tickets(accountId: string, n: number, backdated = 0, daysAgo = 0) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await makeTicket(t, { accountId, channel: 'email', subject: `Question ${i}` });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    for (const id of ids.slice(0, backdated)) {
      await t.dataSource.createQueryBuilder().update(TicketEntity).set({ createdAt: new Date(Date.now() - daysAgo * DAY) })
        .where('id = :id', { id: Number(id) }).execute();
    }
  }

  const contacts = (n: number, who: string) => Array.from({ length: n }, (_, i) => ({ name: `${who} ${i}`, email: `${who}${i}.${mark}@client.test` }));

  beforeAll(async () => {
    t = await startTestApp();
    acc.fav1 = await makeAccount(t, { name: `Au Fav1 ${mark}`, favoured: true, customerSince: '2010-01-01', contacts: contacts(2, 'fav1') }) as Account;
    acc.fav2 = await makeAccount(t, { name: `Au Fav2 ${mark}`, favoured: true, customerSince: '2020-06-01', contacts: contacts(1, 'fav2') }) as Account;
    acc.plain1 = await makeAccount(t, { name: `Au Plain1 ${mark}`, favoured: false, customerSince: '2012-03-01', contacts: contacts(3, 'plain1') }) as Account;
    acc.plain2 = await makeAccount(t, { name: `Au Plain2 ${mark}`, contacts: contacts(1, 'plain2') }) as Account;
    acc.bare = await makeAccount(t, { name: `Au Bare ${mark}`, customerSince: '2015-01-01', contacts: [] }) as Account;
    acc.closed = await makeAccount(t, { name: `Au Closed ${mark}`, favoured: true, customerSince: '2000-01-01', contacts: contacts(2, 'closed') }) as Account;
    // fav1: 3 tickets today. plain1: 1 today. plain2: 3, two of them 40 days ago. closed: 5 today.
    await tickets(acc.fav1.id, 3);
    await tickets(acc.plain1.id, 1);
    await tickets(acc.plain2.id, 3, 2, 40);
    await tickets(acc.closed.id, 5);
    await closeAccount(t, acc.closed.id);
  });
  afterAll(async () => { await t.close(); });

  const segment = async (query: Record<string, unknown>): Promise<Summary> => {
    const res = await request(t.http).get('/api/segments/preview').query(query).set(t.admin.auth);
    if (res.status !== 200) throw new Error(`segment ${JSON.stringify(query)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const names = (s: Summary) => s.sample.map((a) => a.name).sort();
  const named = (...keys: (keyof typeof acc)[]) => keys.map((k) => acc[k].name).sort();

  it.each([
    ['no condition: every active account', {}, ['fav1', 'fav2', 'plain1', 'plain2', 'bare']],
    ['favoured', { favoured: true }, ['fav1', 'fav2']],
    ['not favoured', { favoured: false }, ['plain1', 'plain2', 'bare']],
    ['customer since strictly before 2015-01-01 (an unknown date is not before)', { customerSinceBefore: '2015-01-01' }, ['fav1', 'plain1']],
    ['customer since before 2015-01-02', { customerSinceBefore: '2015-01-02' }, ['fav1', 'plain1', 'bare']],
    ['at least 3 tickets in the default 90 days (40 days ago counts)', { minIncidents: 3 }, ['fav1', 'plain2']],
    ['at least 3 tickets in the last 30 days (40 days ago does not)', { minIncidents: 3, incidentWindowDays: 30 }, ['fav1']],
    ['at least 1 ticket in the last day', { minIncidents: 1, incidentWindowDays: 1 }, ['fav1', 'plain1', 'plain2']],
    ['at least 2 tickets in the last 41 days', { minIncidents: 2, incidentWindowDays: 41 }, ['fav1', 'plain2']],
    ['at least 2 tickets in the last 39 days', { minIncidents: 2, incidentWindowDays: 39 }, ['fav1']],
    ['minIncidents 0 is no condition', { minIncidents: 0 }, ['fav1', 'fav2', 'plain1', 'plain2', 'bare']],
    ['all conditions at once', { favoured: true, customerSinceBefore: '2011-01-01', minIncidents: 2 }, ['fav1']],
    ['not favoured heavy callers', { favoured: false, minIncidents: 1 }, ['plain1', 'plain2']],
  ] as [string, Record<string, unknown>, (keyof typeof acc)[]][])('%s', async (_what, audience, expected) => {
    const s = await segment({ ...audience, points: 6 });
    expect(names(s)).toEqual(named(...expected));
    expect(s.accounts).toBe(expected.length);
    expect(s.emails).toBe(expected.reduce((n, k) => n + acc[k].contacts.length, 0));
    expect(s.accountsWithoutContacts).toBe(expected.includes('bare') ? 1 : 0);
    expect(s).toMatchObject({ pointsPerAccount: 6, points: 6 * expected.length });

    // A letter with this audience sees the same accounts, and after send has frozen exactly these.
    const letter = await approvedLetter(t, { audience, grantPoints: 2 });
    const summary = (await request(t.http).get(`/api/letters/${letter.id}/audience`).set(t.admin.auth).expect(200)).body as Summary;
    expect(names(summary)).toEqual(named(...expected));
    expect(summary).toMatchObject({ accounts: expected.length, emails: s.emails, pointsPerAccount: 2, points: 2 * expected.length });
    const sent = await sendLetter(t, letter.id);
    expect(sent.accounts).toEqual({ total: expected.length, pending: expected.length, done: 0, skipped: 0 });
    expect(sent.recipients).toEqual({ total: s.emails, sent: 0, failed: 0, pending: s.emails });
    const recipients = await request(t.http).get(`/api/letters/${letter.id}/recipients?limit=200`).set(t.admin.auth).expect(200);
    expect(recipients.body.items.map((r: { accountName: string }) => r.accountName).sort()).toEqual(named(...expected));
    expect(recipients.body.items.every((r: { status: string }) => r.status === 'pending')).toBe(true);
  });

  it('never includes a closed account, whatever the filter', async () => {
    for (const q of [{}, { favoured: true }, { customerSinceBefore: '2001-01-01' }, { minIncidents: 5 }]) {
      const s = await segment(q);
      expect(s.sample.map((a) => a.id)).not.toContain(acc.closed.id);
    }
    expect((await segment({ customerSinceBefore: '2001-01-01' })).accounts).toBe(0);
  });

  it('refuses bad filters in the segment preview with 400 naming the field', async () => {
    for (const [query, field] of [
      [{ favoured: 'maybe' }, 'favoured'], [{ customerSinceBefore: '2024-02-30' }, 'customerSinceBefore'],
      [{ minIncidents: -1 }, 'minIncidents'], [{ minIncidents: 'x' }, 'minIncidents'],
      [{ incidentWindowDays: 0 }, 'incidentWindowDays'], [{ points: 10_001 }, 'points'],
    ] as [Record<string, unknown>, string][]) {
      const res = await request(t.http).get('/api/segments/preview').query(query).set(t.admin.auth);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(messageOf(res.body)).toContain(field);
    }
  });
});

describe(`announcement letters: a campaign, delivered (${DB})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: TestUser;
  const mark = tag();
  // A: 2 contacts, balance 3, markup and a merge field in its data. B: enrolled, balance 0.
  // C: closed before sending (never in the audience). D: closed after sending, before its batch (skipped). E: no contacts.
  let A: Account; let B: Account; let C: Account; let D: Account; let E: Account;
  let letter: LetterBody;
  const GRANT = 5;

  beforeAll(async () => {
    // The mail server refuses one mailbox for good (550): that email ends failed.
    smtp = await startSmtpSink({ reject: (m) => (m.to.includes(`bounce.${mark}@client.test`) ? { code: 550, message: 'no such mailbox' } : null) });
    t = await startTestApp({ env: { SMTP_URL: smtp.url, CAMPAIGN_BATCH_SIZE: '2', MAIL_FROM: 'Pointdesk <letters@pointdesk.test>' } });
    manager = await t.user('manager');
    A = await makeAccount(t, {
      name: `Smith <b>& Sons</b> ${mark}`,
      contacts: [{ name: 'Ann <i>Smith</i>', email: `ann.${mark}@client.test` }, { name: 'Al {{balance}}', email: `al.${mark}@client.test` }],
    }) as Account;
    B = await makeAccount(t, { name: `Beta ${mark}`, contacts: [{ name: 'Bea Beta', email: `bea.${mark}@client.test` }] }) as Account;
    C = await makeAccount(t, { name: `Gamma ${mark}`, contacts: [{ name: 'Cid Gamma', email: `cid.${mark}@client.test` }] }) as Account;
    D = await makeAccount(t, { name: `Delta ${mark}`, contacts: [{ name: 'Dee Delta', email: `dee.${mark}@client.test` }] }) as Account;
    E = await makeAccount(t, { name: `Epsilon ${mark}`, contacts: [] }) as Account;
    await grant(t, A.id, 3);
    const client = await t.user('client', B.id);
    await request(t.http).post(`/api/accounts/${B.id}/terms/accept`).set(client.auth).expect(200);
    await closeAccount(t, C.id);
    expect((await accountOf(t, B.id)).contacts).toHaveLength(1);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
  const letterMails = () => smtp.received.filter((m) => m.headers['x-pointdesk-kind'] === 'letter');

  it('drafts, previews, approves and sends: 202 with the audience frozen and nothing done yet', async () => {
    letter = await makeLetter(t, {
      title: `Spring terms ${mark}`, grantPoints: GRANT, audience: {},
      subject: 'Your support points, {{account.name}}',
      body: 'Dear {{contact.name}},\n\n{{account.name}} has {{balance}} service points.\nWe add {{grantPoints}} free points: {{balanceAfterGrant}} in all.\n\nThank you',
    }, manager);
    const audience = (await request(t.http).get(`/api/letters/${letter.id}/audience`).set(manager.auth).expect(200)).body as Summary;
    expect(audience).toMatchObject({ accounts: 4, emails: 4, accountsWithoutContacts: 1, pointsPerAccount: GRANT, points: 4 * GRANT });

    const pa = (await request(t.http).get(`/api/letters/${letter.id}/preview?accountId=${A.id}`).set(manager.auth).expect(200)).body;
    expect(pa).toMatchObject({ to: `ann.${mark}@client.test`, subject: `Your support points, ${A.name}` });
    expect(pa.body).toContain(`${A.name} has 3 service points.\nWe add 5 free points: 8 in all.`);
    const pb = (await request(t.http).get(`/api/letters/${letter.id}/preview?accountId=${B.id}`).set(manager.auth).expect(200)).body;
    expect(pb.body).toContain(`${B.name} has 0 service points.\nWe add 5 free points: 5 in all.`);

    await approveLetter(t, letter.id, manager);
    const res = await request(t.http).post(`/api/letters/${letter.id}/send`).set(manager.auth);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'sending', sentById: manager.id,
      recipients: { total: 4, sent: 0, failed: 0, pending: 4 },
      accounts: { total: 4, pending: 4, done: 0, skipped: 0 },
    });
    // Sending returned before doing anything: no grant, no email queued, still legacy.
    expect(await count(t, 'ledger_entries', 'letter_id = ?', [Number(letter.id)])).toBe(0);
    expect(await count(t, 'notifications', 'letter_id = ?', [Number(letter.id)])).toBe(0);
    expect((await accountOf(t, A.id)).policyStatus).toBe('legacy');
    const pending = await request(t.http).get(`/api/letters/${letter.id}/recipients?status=pending`).set(manager.auth).expect(200);
    expect(pending.body.items.map((r: { accountId: string }) => r.accountId).sort()).toEqual([A.id, B.id, D.id, E.id].sort());
  });

  it('shows live progress batch by batch and ends `sent`; an account closed before its batch is skipped', async () => {
    await closeAccount(t, D.id);
    const letters = t.app.get(LettersService);

    expect(await letters.runBatch()).toBe(2); // A and B (CAMPAIGN_BATCH_SIZE 2)
    let now = await letterOf(t, letter.id);
    expect(now).toMatchObject({ status: 'sending', accounts: { total: 4, pending: 2, done: 2, skipped: 0 }, recipients: { total: 4, sent: 0, failed: 0, pending: 4 } });
    expect(smtp.received).toHaveLength(0);

    await drain(t);
    now = await letterOf(t, letter.id);
    expect(now).toMatchObject({ status: 'sending', recipients: { total: 4, sent: 3, failed: 0, pending: 1 } });
    expect(letterMails()).toHaveLength(3);

    expect(await letters.runBatch()).toBe(2); // D (skipped) and E
    now = await letterOf(t, letter.id);
    expect(now).toMatchObject({ accounts: { total: 4, pending: 0, done: 2 + 1, skipped: 1 }, recipients: { total: 3, sent: 3, failed: 0, pending: 0 } });
    expect(now.status).toBe('sending');

    await runCampaigns(t);
    now = await letterOf(t, letter.id);
    expect(now).toMatchObject({ status: 'sent', recipients: { total: 3, sent: 3, failed: 0, pending: 0 }, accounts: { total: 4, pending: 0, done: 3, skipped: 1 } });
    expect(now.sentAt).not.toBeNull();
    expect(new Date(now.sentAt!).getTime()).toBeGreaterThanOrEqual(new Date(now.sendStartedAt!).getTime());

    const skipped = await request(t.http).get(`/api/letters/${letter.id}/recipients?status=skipped`).set(manager.auth).expect(200);
    expect(skipped.body.items.map((r: { accountId: string }) => r.accountId)).toEqual([D.id]);
    const done = await request(t.http).get(`/api/letters/${letter.id}/recipients?status=done`).set(manager.auth).expect(200);
    expect(done.body.items.map((r: { accountId: string }) => r.accountId).sort()).toEqual([A.id, B.id, E.id].sort());
    expect(done.body.items.every((r: { processedAt: string | null }) => r.processedAt !== null)).toBe(true);
  });

  it('granted each account of the audience exactly once, with letterId, and nothing to the others', async () => {
    for (const [acc, before] of [[A, 3], [B, 0], [E, 0]] as [Account, number][]) {
      const grants = await letterGrants(t, acc.id, letter.id);
      expect({ account: acc.name, grants: grants.map((g) => [g.kind, g.delta, g.balanceAfter]) })
        .toEqual({ account: acc.name, grants: [['grant', GRANT, before + GRANT]] });
      expect(grants[0]).toMatchObject({ actorId: manager.id, reason: expect.stringContaining(`Spring terms ${mark}`) });
      expect(await balanceOf(t, acc.id)).toBe(before + GRANT);
    }
    for (const acc of [C, D]) {
      expect(await letterGrants(t, acc.id, letter.id)).toEqual([]);
      expect(await balanceOf(t, acc.id)).toBe(0);
    }
    expect(await count(t, 'ledger_entries', 'letter_id = ?', [Number(letter.id)])).toBe(3);
    await expectLedgerInvariants(t.dataSource);
  });

  it('delivered one email per contact to the SMTP server, each with its own rendered words', async () => {
    expect(letterMails().map((m) => m.to.join()).sort()).toEqual([`al.${mark}@client.test`, `ann.${mark}@client.test`, `bea.${mark}@client.test`].sort());
    expect(mailsTo(`cid.${mark}@client.test`)).toEqual([]);
    expect(mailsTo(`dee.${mark}@client.test`)).toEqual([]);
    expect(new Set(letterMails().map((m) => m.notificationId)).size).toBe(3);

    const [ann] = mailsTo(`ann.${mark}@client.test`);
    expect(ann.subject).toBe(`Your support points, ${A.name}`);
    expect(ann.from).toBe('letters@pointdesk.test');
    expect(ann.text).toContain('Dear Ann <i>Smith</i>,');
    expect(ann.text).toContain(`${A.name} has 3 service points.\nWe add 5 free points: 8 in all.`);
    // A merge field inside data is not a merge field.
    const [al] = mailsTo(`al.${mark}@client.test`);
    expect(al.text).toContain('Dear Al {{balance}},');
    expect(al.text).toContain('has 3 service points');

    const [bea] = mailsTo(`bea.${mark}@client.test`);
    expect(bea.subject).toBe(`Your support points, ${B.name}`);
    expect(bea.text).toContain('Dear Bea Beta,');
    expect(bea.text).toContain(`${B.name} has 0 service points.\nWe add 5 free points: 5 in all.`);
    expect(bea.text).not.toContain('Smith');
  });

  it('escapes data in the HTML part and keeps it plain in the text part', async () => {
    const [ann] = mailsTo(`ann.${mark}@client.test`);
    expect(ann.html).toContain('Smith &lt;b&gt;&amp; Sons&lt;/b&gt;');
    expect(ann.html).toContain('Dear Ann &lt;i&gt;Smith&lt;/i&gt;,');
    expect(ann.html).not.toContain('<b>');
    expect(ann.html).not.toContain('<i>');
    expect(ann.text).toContain('Smith <b>& Sons</b>');
    expect(ann.text).not.toContain('&lt;');
    expect(ann.text).not.toContain('&amp;');
  });

  it('moved legacy → notified; enrolled stayed enrolled; the skipped and the closed-before stayed legacy', async () => {
    expect((await accountOf(t, A.id)).policyStatus).toBe('notified');
    expect((await accountOf(t, E.id)).policyStatus).toBe('notified');
    expect((await accountOf(t, B.id)).policyStatus).toBe('enrolled');
    expect((await accountOf(t, C.id)).policyStatus).toBe('legacy');
    expect((await accountOf(t, D.id)).policyStatus).toBe('legacy');
  });

  it("lists the letter's notifications by letterId, all sent", async () => {
    const res = await request(t.http).get(`/api/notifications?letterId=${letter.id}&limit=200`).set(manager.auth).expect(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((n: { to: string }) => n.to).sort()).toEqual([`al.${mark}@client.test`, `ann.${mark}@client.test`, `bea.${mark}@client.test`].sort());
    expect(res.body.items.every((n: { kind: string; status: string; letterId: string }) => n.kind === 'letter' && n.status === 'sent' && n.letterId === letter.id)).toBe(true);
  });

  it('audits create, approve and send with who did them and what sending froze', async () => {
    const audit = await auditOf(t, 'letter', letter.id);
    expect(audit.map((a) => a.action)).toEqual(['letter.send', 'letter.approve', 'letter.create']);
    expect(audit.every((a) => a.actorId === manager.id)).toBe(true);
    expect(audit[0].after).toMatchObject({ status: 'sending', accounts: 4, emails: 4, points: 4 * GRANT });
  });

  it('is final once sent: PATCH, approve and send answer 409, and more rounds do nothing', async () => {
    const before = await letterOf(t, letter.id);
    await expectNothingWritten(t, async () => {
      expect((await request(t.http).patch(`/api/letters/${letter.id}`).set(manager.auth).send({ title: 'Edited after' })).status).toBe(409);
      expect((await request(t.http).post(`/api/letters/${letter.id}/approve`).set(manager.auth)).status).toBe(409);
      expect((await request(t.http).post(`/api/letters/${letter.id}/send`).set(manager.auth)).status).toBe(409);
      await runCampaigns(t);
    });
    expect(await letterOf(t, letter.id)).toEqual(before);
    expect(letterMails()).toHaveLength(3);
  });

  it('a letter with grantPoints 0 writes no ledger entry and shows the balance as it is', async () => {
    const second = await approvedLetter(t, { grantPoints: 0, audience: {}, subject: 'Terms, {{account.name}}', body: '{{balance}} → {{balanceAfterGrant}} ({{grantPoints}})' });
    const ledger = await count(t, 'ledger_entries');
    await sendLetter(t, second.id);
    // Every account done, but the emails still wait in the outbox: not sent yet.
    const letters = t.app.get(LettersService);
    while ((await letters.runBatch()) > 0);
    expect(await letterOf(t, second.id)).toMatchObject({
      status: 'sending', accounts: { total: 3, done: 3, skipped: 0, pending: 0 }, recipients: { total: 3, sent: 0, failed: 0, pending: 3 },
    });
    await runCampaigns(t);
    const done = await letterOf(t, second.id);
    expect(done).toMatchObject({ status: 'sent', grantPoints: 0, recipients: { total: 3, sent: 3, failed: 0, pending: 0 }, accounts: { total: 3, done: 3, skipped: 0, pending: 0 } });
    expect(await count(t, 'ledger_entries')).toBe(ledger);
    expect(await count(t, 'ledger_entries', 'letter_id = ?', [Number(second.id)])).toBe(0);
    const mails = smtp.received.filter((m) => m.subject.startsWith('Terms, '));
    expect(mails).toHaveLength(3);
    const text = (m: ReceivedMail) => m.text.split('\n')[0];
    expect(mails.filter((m) => m.to.includes(`ann.${mark}@client.test`)).map(text)).toEqual(['8 → 8 (0)']);
    expect(mails.filter((m) => m.to.includes(`bea.${mark}@client.test`)).map(text)).toEqual(['5 → 5 (0)']);
    expect((await accountOf(t, B.id)).policyStatus).toBe('enrolled');
    await expectLedgerInvariants(t.dataSource);
  });

  it('writes to a contact added after sending started (the total follows), and counts a refused email as failed, not pending', async () => {
    const third = await approvedLetter(t, { grantPoints: 1, audience: {}, subject: 'Third letter {{account.name}}', body: 'Hello {{contact.name}}' });
    const started = await sendLetter(t, third.id);
    expect(started.recipients).toEqual({ total: 3, sent: 0, failed: 0, pending: 3 });
    await request(t.http).post(`/api/accounts/${B.id}/contacts`).set(t.admin.auth).send({ name: 'Bo Bounce', email: `bounce.${mark}@client.test` }).expect(201);
    await runCampaigns(t);
    const done = await letterOf(t, third.id);
    expect(done).toMatchObject({ status: 'sent', recipients: { total: 4, sent: 3, failed: 1, pending: 0 } });
    expect(smtp.received.filter((m) => m.subject.startsWith('Third letter')).map((m) => m.to.join()).sort())
      .toEqual([`al.${mark}@client.test`, `ann.${mark}@client.test`, `bea.${mark}@client.test`].sort());
    expect(smtp.rejected.filter((m) => m.subject.startsWith('Third letter')).map((m) => m.to.join())).toEqual([`bounce.${mark}@client.test`]);
    const failed = await request(t.http).get(`/api/notifications?letterId=${third.id}&status=failed`).set(manager.auth).expect(200);
    expect(failed.body.items.map((n: { to: string }) => n.to)).toEqual([`bounce.${mark}@client.test`]);
    expect(await count(t, 'ledger_entries', 'letter_id = ?', [Number(third.id)])).toBe(3);
  });
});
