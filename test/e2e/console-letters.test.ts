/*
 * The console's Letters and Bulk grants pages, through the booted app with
 * real console sessions (login form, cookies, CSRF) as a browser would use
 * them: a manager writes a letter, previews it per recipient (data escaped),
 * approves it, confirms the numbers and sends it, and watches its progress
 * and recipients; a bulk grant is previewed, confirmed (once, however often
 * the confirmation is sent) and followed to the end. Bad input is refused
 * next to its field with nothing saved; agents are kept out.
 *
 * Audiences here are "customers since before <date>" with old dates: the
 * accounts each test creates are the only ones in its segment, and they are
 * closed after the test (closed accounts are in no segment).
 */
import request from 'supertest';
import { GrantBatchesService } from '../../src/grant-batches/grant-batches.service';
import { LettersService } from '../../src/letters/letters.service';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { balanceOf, grant, makeAccount } from '../factories';
import { tag } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp } from '../helpers/test-app';
import { consoleSession, ConsoleSession, fieldError, followFlash, formAlert, labels, visible } from '../helpers/web-pages';

const HX = { 'HX-Request': 'true' };

describe('console: letters and bulk grants', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: ConsoleSession;
  let agent: ConsoleSession;
  let opened: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, CAMPAIGN_BATCH_SIZE: '2' } });
    manager = await consoleSession(t, 'manager');
    agent = await consoleSession(t, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  afterEach(async () => {
    // Out of every later test's segment.
    for (const id of opened) await request(t.http).post(`/api/accounts/${id}/close`).set(t.admin.auth).send({ reason: 'end of test' });
    opened = [];
    await expectLedgerInvariants(t.dataSource);
  });

  /** An account in the test's segment (customer since `since`), with `points` on its balance. */
  const member = async (name: string, since: string, points: number, contacts?: { name: string; email: string }[]) => {
    const a = await makeAccount(t, { name, customerSince: since, ...(contacts ? { contacts } : {}) });
    opened.push(a.id);
    if (points > 0) await grant(t, a.id, points);
    return a;
  };
  const letterApi = async (id: string) => (await request(t.http).get(`/api/letters/${id}`).set(t.admin.auth)).body;
  const letterCount = async () => (await request(t.http).get('/api/letters').set(t.admin.auth)).body.total as number;
  const batchCount = async () => (await request(t.http).get('/api/grant-batches').set(t.admin.auth)).body.total as number;
  const letterForm = (over: Record<string, string> = {}) => ({
    title: 'Spring terms', subject: '{{account.name}}: your support points', body: 'Dear {{contact.name}},\n\nYou have {{balance}} points.\n\nAfter the grant: {{balanceAfterGrant}}.',
    favoured: '', customerSinceBefore: '', minIncidents: '', incidentWindowDays: '90', grantPoints: '0', ...over,
  });
  /** Runs the background steps a scheduler would, until the letter is sent. */
  const sendAll = async (id: string) => {
    const letters = t.app.get(LettersService);
    for (let i = 0; i < 50 && (await letterApi(id)).status !== 'sent'; i++) {
      await letters.runBatch();
      await t.app.get(OutboxSender).drain();
    }
  };

  it('lists letters for a manager, with a New letter link and both pages in the navigation', async () => {
    const res = await manager.agent.get('/console/letters');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Letters</h1>');
    expect(res.text).toContain('<a class="button-link" href="/console/letters/new">New letter</a>');
    expect(res.text).toContain('<a href="/console/letters">Letters</a>');
    expect(res.text).toContain('<a href="/console/grants">Bulk grants</a>');

    const composer = await manager.agent.get('/console/letters/new');
    expect(composer.status).toBe(200);
    expect(composer.text).toContain('<h1>New letter</h1>');
    expect(labels(composer.text)).toEqual(expect.arrayContaining([
      'Title', 'Subject', 'Body', 'Favoured', 'Customer since before', 'At least this many tickets', 'In the last (days)', 'Points to grant each account',
    ]));
    const text = visible(composer.text);
    for (const field of ['{{account.name}}', '{{contact.name}}', '{{balance}}', '{{grantPoints}}', '{{balanceAfterGrant}}']) expect(text).toContain(field);
    expect(composer.text).toContain('hx-post="/console/letters/preview"');
    expect(composer.text).toContain('<button type="submit">Save draft</button>');

    const grants = await manager.agent.get('/console/grants');
    expect(grants.status).toBe(200);
    expect(grants.text).toContain('<h1>Bulk grants</h1>');
    expect(labels(grants.text)).toEqual(expect.arrayContaining(['Favoured', 'Customer since before', 'Points per account', 'Reason']));
    expect(visible(grants.text)).toContain('No bulk grants yet.');
  });

  it('keeps agents out of letters and bulk grants, and out of their navigation', async () => {
    for (const path of ['/console/letters', '/console/letters/new', '/console/letters/1', '/console/letters/1/send', '/console/grants', '/console/grants/1']) {
      const res = await agent.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(visible(res.text)).toContain('This page is for managers and admins only');
    }
    const home = await agent.agent.get('/console');
    expect(home.text).not.toContain('/console/letters');
    expect(home.text).not.toContain('/console/grants');
    const before = [await letterCount(), await batchCount()];
    for (const [path, form] of [
      ['/console/letters', letterForm()], ['/console/letters/preview', letterForm()],
      ['/console/grants/confirm', { points: '5', reason: 'agent grant' }], ['/console/grants', { points: '5', reason: 'agent grant' }],
    ] as const) {
      const res = await agent.post(path, form);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect([await letterCount(), await batchCount()]).toEqual(before);
  });

  it('refuses a form without its CSRF token, even from a manager', async () => {
    const before = [await letterCount(), await batchCount()];
    for (const path of ['/console/letters', '/console/letters/preview', '/console/grants/confirm', '/console/grants']) {
      const res = await manager.agent.post(path).type('form').send({ ...letterForm(), points: '5', reason: 'forged grant' });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect([await letterCount(), await batchCount()]).toEqual(before);
  });

  it('shows what is wrong next to each field, keeps what was typed and saves nothing', async () => {
    const before = await letterCount();
    const bad = await manager.post('/console/letters', letterForm({
      title: ' ', subject: 'Hello {{acount.name}}', body: 'Dear {{contact.name}, <b>bold</b>', customerSinceBefore: '2026-02-30',
      minIncidents: 'lots', incidentWindowDays: '0', grantPoints: '5000', favoured: 'maybe',
    }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'letter-title')).toBe('Title is required');
    expect(fieldError(bad.text, 'letter-subject')).toBe(
      'Unknown merge field {{acount.name}} (known: {{account.name}}, {{contact.name}}, {{balance}}, {{grantPoints}}, {{balanceAfterGrant}})',
    );
    expect(fieldError(bad.text, 'letter-body')).toBe('A merge field is not closed: write it as {{account.name}}');
    expect(fieldError(bad.text, 'letter-since')).toBe('Customer since before must be a real date written YYYY-MM-DD');
    expect(fieldError(bad.text, 'letter-min-tickets')).toBe('At least this many tickets must be a whole number from 0 to 100,000 (0 or empty: any)');
    expect(fieldError(bad.text, 'letter-window')).toBe('In the last (days) must be a whole number from 1 to 3,660');
    expect(fieldError(bad.text, 'letter-points')).toBe('Points to grant each account must be a whole number from 0 to 1,000');
    expect(fieldError(bad.text, 'letter-favoured')).toBe('Choose Any, Yes or No');
    expect(bad.text).toMatch(/<input id="letter-subject" name="subject" value="Hello \{\{acount\.name\}\}"[^>]* aria-invalid="true"/);
    // What was typed comes back escaped, not as markup.
    expect(bad.text).toContain('Dear {{contact.name}, &lt;b&gt;bold&lt;/b&gt;</textarea>');
    expect(await letterCount()).toBe(before);

    // The live preview says the same next to the fields it checks (swapped in out of band), and leaves the title alone.
    await member('Checked Ltd', '1952-01-01', 0);
    const live = await manager.post('/console/letters/preview', letterForm({ subject: 'Hello {{acount.name}}', grantPoints: '-1', customerSinceBefore: '1960-01-01' }), HX);
    expect(live.status).toBe(200);
    expect(live.text).toContain('<div id="letter-subject-check" hx-swap-oob="innerHTML"><p class="field-error" id="letter-subject-error">Unknown merge field {{acount.name}}');
    expect(live.text).toContain('<div id="letter-points-check" hx-swap-oob="innerHTML"><p class="field-error" id="letter-points-error">Points to grant each account must be');
    expect(live.text).toContain('<div id="letter-body-check" hx-swap-oob="innerHTML"></div>');
    expect(live.text).not.toContain('letter-title-check');
    expect(visible(live.text)).toContain('Correct the merge fields (shown next to Subject and Body) to see the letter as it will be read.');
  });

  it('previews a letter for each account: their own name and balance, escaped', async () => {
    const since = '1950-06-01';
    const bold = await member('Alpha <b>Bold</b> & Co', since, 7, [
      { name: 'Ann <i>Alpha</i>', email: `ann.${tag()}@client.test` }, { name: 'Al Second', email: `al.${tag()}@client.test` },
    ]);
    const beta = await member('Beta Ltd', since, 3, [{ name: 'Bea Beta', email: `bea.${tag()}@client.test` }]);
    await member('Gamma Nobody', since, 0, []);
    const form = letterForm({ customerSinceBefore: '1960-01-01', grantPoints: '2' });

    const forBold = await manager.post('/console/letters/preview', { ...form, previewAccountId: bold.id }, HX);
    expect(forBold.status).toBe(200);
    const boldText = visible(forBold.text);
    expect(boldText).toContain('3 accounts, 3 emails, 6 points');
    expect(boldText).toContain('1 of them has no contact');
    expect(boldText).toContain('Alpha <b>Bold</b> & Co: your support points');
    expect(boldText).toContain('Dear Ann <i>Alpha</i>,');
    expect(boldText).toContain('You have 7 points.');
    expect(boldText).toContain('After the grant: 9.');
    expect(forBold.text).toContain('Alpha &lt;b&gt;Bold&lt;/b&gt; &amp; Co');
    expect(forBold.text).not.toContain('<b>Bold</b>');
    expect(forBold.text).not.toContain('<i>Alpha</i>');
    // Paragraphs at blank lines.
    expect(forBold.text).toMatch(/<p class="prose">You have 7 points\.<\/p>/);
    // The accounts to preview for, the one shown selected; the first accounts by name with their balances.
    expect(forBold.text).toContain('<label for="letter-preview-account">Preview for</label>');
    expect(forBold.text).toContain(`<option value="${bold.id}" selected>Alpha &lt;b&gt;Bold&lt;/b&gt; &amp; Co</option>`);
    expect(forBold.text).toContain(`<option value="${beta.id}">Beta Ltd</option>`);
    expect(boldText).toMatch(/First accounts Alpha <b>Bold<\/b> & Co 7 points, 2 contacts Beta Ltd 3 points, 1 contact Gamma Nobody 0 points, no contact/);

    const forBeta = await manager.post('/console/letters/preview', { ...form, previewAccountId: beta.id }, HX);
    const betaText = visible(forBeta.text);
    expect(betaText).toContain('Beta Ltd: your support points');
    expect(betaText).toContain('Dear Bea Beta,');
    expect(betaText).toContain('You have 3 points.');
    expect(betaText).toContain('After the grant: 5.');
    expect(betaText).toContain(`To: bea.`);
    expect(forBeta.text).toContain(`<option value="${beta.id}" selected>Beta Ltd</option>`);

    // An account that is not in the audience (or not an account at all) shows the first one instead.
    const outside = await manager.post('/console/letters/preview', { ...form, previewAccountId: '999999' }, HX);
    expect(visible(outside.text)).toContain('Dear Ann <i>Alpha</i>,');

    // A segment that holds nobody, and one that is not valid.
    const nobody = await manager.post('/console/letters/preview', { ...form, customerSinceBefore: '1800-01-01' }, HX);
    expect(visible(nobody.text)).toContain('0 accounts, 0 emails, 0 points');
    expect(visible(nobody.text)).toContain('No active account is in this audience: the letter would go to nobody.');
    const invalid = await manager.post('/console/letters/preview', { ...form, customerSinceBefore: '1960-13-01' }, HX);
    expect(invalid.text).toContain('<p class="field-error" id="letter-since-error">Customer since before must be a real date written YYYY-MM-DD</p>');
    expect(visible(invalid.text)).toContain('Correct the audience (shown next to its fields) to see who gets this letter.');
  });

  it('saves, edits, approves and sends a letter, confirming the numbers, then shows its progress and recipients', async () => {
    const since = '1951-01-01';
    const one = await member('Oneida <Tools>', since, 4, [{ name: 'Olga One', email: `olga.${tag()}@client.test` }]);
    const two = await member('Twofold Ltd', since, 1, [
      { name: 'Tim Two', email: `tim.${tag()}@client.test` }, { name: 'Tara Two', email: `tara.${tag()}@client.test` },
    ]);
    const three = await member('Threeway Inc', since, 0, [{ name: 'Theo Three', email: `theo.${tag()}@client.test` }]);
    const title = `Terms ${tag()}`;

    const created = await manager.post('/console/letters', letterForm({ title, customerSinceBefore: '1960-01-01', grantPoints: '2' }));
    expect(created.status).toBe(303);
    const id = /^\/console\/letters\/(\d+)$/.exec(created.headers.location)![1];
    const saved = await followFlash(manager.agent, created);
    expect(saved.flash).toBe(`Letter “${title}” saved as a draft. Check the preview, then approve it.`);
    expect(saved.page.text).toContain(`<h1>${title}</h1>`);
    expect(saved.page.text).toContain('<span id="letter-status" class="badge badge-inactive">Draft</span>');
    expect(saved.page.text).toContain(`<form id="letter-form" method="post" action="/console/letters/${id}">`);
    expect(saved.page.text).toContain('value="1960-01-01"');
    // The preview is on the page as first rendered, for the first account by name.
    expect(visible(saved.page.text)).toContain('3 accounts, 4 emails, 6 points');
    expect(visible(saved.page.text)).toContain('Oneida <Tools>: your support points');
    expect(await letterApi(id)).toMatchObject({ status: 'draft', title, grantPoints: 2, audience: { customerSinceBefore: '1960-01-01' } });

    const bad = await manager.post(`/console/letters/${id}`, letterForm({ title, subject: '{{nope}}', customerSinceBefore: '1960-01-01' }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'letter-subject')).toMatch(/^Unknown merge field \{\{nope\}\}/);
    const edited = await manager.post(`/console/letters/${id}`, letterForm({ title, subject: 'News for {{account.name}}', customerSinceBefore: '1960-01-01', grantPoints: '2' }));
    expect((await followFlash(manager.agent, edited)).flash).toBe(`Letter “${title}” saved.`);
    expect(await letterApi(id)).toMatchObject({ status: 'draft', subject: 'News for {{account.name}}' });

    // Sending a draft is refused: approve first.
    const early = await followFlash(manager.agent, await manager.post(`/console/letters/${id}/send`, { expectAccounts: '3', expectEmails: '4' }));
    expect(early.flash).toBe('Not sent: approve the letter first.');

    const approved = await followFlash(manager.agent, await manager.post(`/console/letters/${id}/approve`, {}));
    expect(approved.flash).toBe(`Letter “${title}” approved: it can no longer be changed. Send it when you are ready.`);
    expect(approved.page.text).not.toContain('id="letter-form"');
    expect(visible(approved.page.text)).toContain('This letter is approved and can no longer be changed.');
    expect(approved.page.text).toContain('<button type="submit">Send letter</button>');
    // An approved letter previews for another account by GET.
    const preview = await manager.agent.get(`/console/letters/${id}/preview?accountId=${two.id}`);
    expect(preview.status).toBe(200);
    expect(visible(preview.text)).toContain('News for Twofold Ltd');
    expect(visible(preview.text)).toContain('Dear Tim Two,');
    expect(visible(preview.text)).toContain('You have 1 points.');

    // Changing an approved letter: refused with the reason, nothing changed.
    const late = await manager.post(`/console/letters/${id}`, letterForm({ title, subject: 'Changed', customerSinceBefore: '1960-01-01' }));
    expect(late.status).toBe(409);
    expect(formAlert(late.text)).toBe('This letter is approved, so it can no longer be changed.');
    expect(late.text).not.toContain('id="letter-form"');
    expect((await letterApi(id)).subject).toBe('News for {{account.name}}');

    // The confirmation states exactly what sending does.
    const confirm = await manager.agent.get(`/console/letters/${id}/send`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`<h1>Send “${title}”</h1>`);
    expect(visible(confirm.text)).toContain('Send to 3 accounts: 4 emails, 6 points.');
    expect(visible(confirm.text)).toContain('Each account is granted 2 points and each of its contacts gets one email');
    expect(confirm.text).toContain('<button type="submit" aria-describedby="send-statement">Send to 3 accounts: 4 emails, 6 points</button>');

    // The audience changed since the confirmation: shown again with the new numbers, nothing sent.
    const stale = await manager.post(`/console/letters/${id}/send`, { expectAccounts: '2', expectEmails: '3' });
    expect(stale.status).toBe(409);
    expect(formAlert(stale.text)).toBe('The audience changed since the confirmation was shown. Check the numbers below and confirm again.');
    expect(visible(stale.text)).toContain('Send to 3 accounts: 4 emails, 6 points.');
    expect((await letterApi(id)).status).toBe('approved');

    const sent = await followFlash(manager.agent, await manager.post(`/console/letters/${id}/send`, { expectAccounts: '3', expectEmails: '4' }));
    expect(sent.flash).toBe(`Sending “${title}” to 3 accounts: 4 emails, 6 points. The progress below fills as the batches go out.`);
    expect((await letterApi(id)).status).toBe('sending');
    // Progress from the server, polled while sending.
    expect(sent.page.text).toContain(`hx-get="/console/letters/${id}/progress" hx-trigger="every 2s"`);
    expect(visible(sent.page.text)).toContain('Sent 0 of 4 emails (0%)');
    expect(sent.page.text).toContain('<progress id="letter-progress-bar" max="4" value="0" aria-labelledby="letter-progress-label">0%</progress>');
    expect(visible(sent.page.text)).toContain('This letter is being sent and can no longer be changed.');
    expect(sent.page.text).not.toContain('id="letter-form"');
    const waiting = visible(sent.page.text);
    expect(waiting).toContain('Showing 1–3 of 3 accounts.');
    expect(waiting).toMatch(/Oneida <Tools> Waiting 1 —/);
    expect(sent.page.text).toContain(`<a href="/console/accounts/${two.id}">Twofold Ltd</a>`);
    expect(sent.page.text).toContain('Oneida &lt;Tools&gt;');

    // Sent twice (a double click): refused, nothing more happens.
    const again = await followFlash(manager.agent, await manager.post(`/console/letters/${id}/send`, { expectAccounts: '3', expectEmails: '4' }));
    expect(again.flash).toBe('Not sent: this letter is being sent or was sent already.');

    // One batch of 2 accounts, delivered: the fragment the page polls says so.
    await t.app.get(LettersService).runBatch();
    await t.app.get(OutboxSender).drain();
    const halfway = await manager.agent.get(`/console/letters/${id}/progress`).set(HX);
    expect(halfway.status).toBe(200);
    expect(visible(halfway.text)).toMatch(/Sent [1-3] of 4 emails/);
    expect(halfway.text).toContain('hx-trigger="every 2s"');

    await sendAll(id);
    const done = await manager.agent.get(`/console/letters/${id}/progress`).set(HX);
    expect(visible(done.text)).toContain('Sent 4 of 4 emails (100%)');
    expect(visible(done.text)).toContain('Accounts: 3 of 3 accounts done');
    expect(done.text).toContain('<progress id="letter-progress-bar" max="4" value="4"');
    expect(done.text).not.toContain('hx-trigger');
    expect(done.text).toContain('<span id="letter-status" class="badge badge-sent" hx-swap-oob="true">Sent</span>');
    const recipients = await manager.agent.get(`/console/letters/${id}/recipients`).set(HX);
    expect(recipients.text).not.toContain('hx-trigger');
    expect(visible(recipients.text)).toMatch(/Twofold Ltd Done 2 \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    // The page after a reload: sent, read-only, the bar full.
    const page = await manager.agent.get(`/console/letters/${id}`);
    expect(page.text).toContain('<span id="letter-status" class="badge badge-sent">Sent</span>');
    expect(visible(page.text)).toContain('This letter is sent and can no longer be changed.');
    expect(visible(page.text)).toContain('Sent 4 of 4 emails (100%)');
    expect(page.text).not.toContain('id="letter-form"');
    const locked = await manager.post(`/console/letters/${id}`, letterForm({ title, customerSinceBefore: '1960-01-01' }));
    expect(locked.status).toBe(409);
    expect(formAlert(locked.text)).toBe('This letter is sent, so it can no longer be changed.');

    // What arrived, and what it did.
    const mails = smtp.received.filter((m) => m.subject.startsWith('News for '));
    expect(mails.map((m) => m.subject).sort()).toEqual(['News for Oneida <Tools>', 'News for Threeway Inc', 'News for Twofold Ltd', 'News for Twofold Ltd']);
    expect(await Promise.all([one, two, three].map((a) => balanceOf(t, a.id)))).toEqual([6, 3, 2]);
    const list = visible((await manager.agent.get('/console/letters')).text);
    expect(list).toContain(`${title} Sent 4 of 4 emails sent`);
  });

  it('answers 404 for letters and bulk grants that do not exist', async () => {
    for (const path of ['/console/letters/999999', '/console/letters/abc', '/console/letters/999999/send', '/console/letters/999999/progress', '/console/grants/999999', '/console/grants/abc']) {
      const res = await manager.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  describe('bulk grants', () => {
    const grantForm = (over: Record<string, string> = {}) => ({
      favoured: '', customerSinceBefore: '1945-01-01', minIncidents: '', incidentWindowDays: '90', points: '5', reason: 'Grandfathered points', ...over,
    });

    it('previews the segment and the total, refuses bad input next to the fields, confirms with the numbers and grants once', async () => {
      const since = '1940-05-05';
      const a = await member('Granted & Sons', since, 1);
      const b = await member('Granted Two', since, 0);
      const favoured = await makeAccount(t, { name: 'Favoured Old', customerSince: since, favoured: true });
      opened.push(favoured.id);

      const preview = await manager.post('/console/grants/preview', grantForm(), HX);
      expect(preview.status).toBe(200);
      expect(visible(preview.text)).toContain('Grant 5 points to 3 accounts: 15 points');
      expect(visible(preview.text)).toMatch(/First accounts Favoured Old Favoured 0 points, 1 contact Granted & Sons 1 point, 1 contact Granted Two/);
      const onlyFavoured = await manager.post('/console/grants/preview', grantForm({ favoured: 'true', points: '' }), HX);
      expect(visible(onlyFavoured.text)).toContain('1 account');
      expect(visible(onlyFavoured.text)).toContain('Type the points per account to see the total.');
      expect(onlyFavoured.text).toContain('<div id="bulk-points-check" hx-swap-oob="innerHTML"></div>');
      const tooMany = await manager.post('/console/grants/preview', grantForm({ points: '20000' }), HX);
      expect(tooMany.text).toContain('<p class="field-error" id="bulk-points-error">Points per account must be a whole number from 1 to 10,000</p>');

      const before = await batchCount();
      const bad = await manager.post('/console/grants/confirm', grantForm({ points: '', reason: ' ', customerSinceBefore: 'soon' }));
      expect(bad.status).toBe(422);
      expect(fieldError(bad.text, 'bulk-points')).toBe('Points per account is required');
      expect(fieldError(bad.text, 'bulk-reason')).toBe('Reason is required');
      expect(fieldError(bad.text, 'bulk-since')).toBe('Customer since before must be a real date written YYYY-MM-DD');
      expect(bad.text).toContain('value="soon"');
      const empty = await manager.post('/console/grants/confirm', grantForm({ customerSinceBefore: '1800-01-01' }));
      expect(empty.status).toBe(422);
      expect(fieldError(empty.text, 'bulk-segment')).toBe('No active account is in this segment: change its conditions');
      expect(await batchCount()).toBe(before);

      const confirm = await manager.post('/console/grants/confirm', grantForm());
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('<h1>Confirm bulk grant</h1>');
      expect(visible(confirm.text)).toContain('Grant 5 points to 3 accounts: 15 points.');
      expect(visible(confirm.text)).toContain('Audience all active accounts, customers since before 1945-01-01 Reason Grandfathered points');
      expect(confirm.text).toContain('<button type="submit" aria-describedby="grant-statement">Grant 5 points to 3 accounts: 15 points</button>');
      expect(await batchCount()).toBe(before);
      const hidden = Object.fromEntries([...confirm.text.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
      expect(hidden).toMatchObject({ expectAccounts: '3', points: '5', customerSinceBefore: '1945-01-01', grantKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const { _csrf: _ignored, ...fields } = hidden;

      // "Change" brings the form back as filled in.
      const change = await manager.post('/console/grants/edit', fields);
      expect(change.status).toBe(200);
      expect(change.text).toMatch(/<input id="bulk-points" name="points"[^>]* value="5"/);
      expect(change.text).toContain('Grandfathered points</textarea>');

      // Stale numbers: the confirmation again, nothing granted.
      const stale = await manager.post('/console/grants', { ...fields, expectAccounts: '2' });
      expect(stale.status).toBe(409);
      expect(formAlert(stale.text)).toBe('The segment changed since the confirmation was shown. Check the numbers below and confirm again.');
      expect(await batchCount()).toBe(before);

      // The same confirmation twice (a double click): one bulk grant.
      const first = await manager.post('/console/grants', fields);
      const second = await manager.post('/console/grants', fields);
      expect(first.status).toBe(303);
      expect(second.headers.location).toBe(first.headers.location);
      expect(await batchCount()).toBe(before + 1);
      const started = await followFlash(manager.agent, first);
      expect(started.flash).toBe('Bulk grant started: 5 points to each of 3 accounts, 15 points in all. The accounts are granted in batches; this page shows the progress.');
      const batchId = /^\/console\/grants\/(\d+)$/.exec(first.headers.location)![1];
      expect(started.page.text).toContain('<h1>Bulk grant: 5 points each</h1>');
      expect(visible(started.page.text)).toContain('Granted 0 of 3 accounts (0%)');
      expect(started.page.text).toContain(`hx-get="/console/grants/${batchId}/progress" hx-trigger="every 2s"`);

      const batches = t.app.get(GrantBatchesService);
      for (let i = 0; i < 10 && (await batches.runBatch()) > 0; i++);
      await batches.runBatch();
      const done = await manager.agent.get(`/console/grants/${batchId}/progress`).set(HX);
      expect(visible(done.text)).toContain('Granted 3 of 3 accounts (100%)');
      expect(visible(done.text)).toContain('15 of 15 points granted');
      expect(done.text).not.toContain('hx-trigger');
      expect(done.text).toContain('<span id="grant-status" class="badge badge-sent" hx-swap-oob="true">Done</span>');
      expect(await Promise.all([a, b, favoured].map((x) => balanceOf(t, x.id)))).toEqual([6, 5, 5]);

      const list = visible((await manager.agent.get('/console/grants')).text);
      expect(list).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC all active accounts, customers since before 1945-01-01 5 points 3 accounts 15 points Grandfathered points Done/);
    });
  });
});

describe('console: a letter sent while email delivery is off (no SMTP_URL)', () => {
  let t: TestApp;
  let manager: ConsoleSession;
  beforeAll(async () => {
    t = await startTestApp();
    manager = await consoleSession(t, 'manager');
  });
  afterAll(async () => {
    await t.close();
  });

  it('says why the progress bar does not move, and previews an approved letter for a chosen account without JavaScript', async () => {
    await makeAccount(t, { name: 'Aardvark Ltd', customerSince: '1950-01-01' });
    const second = await makeAccount(t, { name: 'Zebra & Co', customerSince: '1950-01-01' });
    const created = await request(t.http).post('/api/letters').set(t.admin.auth)
      .send({ title: 'Quiet letter', subject: 'Hi {{account.name}}', body: 'Hello {{contact.name}}', audience: { customerSinceBefore: '1960-01-01' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await request(t.http).post(`/api/letters/${id}/approve`).set(t.admin.auth).expect(200);

    // The "Show preview" form is a GET of the letter page with the account chosen.
    const page = await manager.agent.get(`/console/letters/${id}?accountId=${second.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<option value="${second.id}" selected>Zebra &amp; Co</option>`);
    expect(visible(page.text)).toContain('Hi Zebra & Co');
    expect(visible(page.text)).toContain('2 accounts, 2 emails, 0 points');
    expect(visible((await manager.agent.get(`/console/letters/${id}/send`)).text)).toContain('Send to 2 accounts: 2 emails, no points.');

    const sent = await followFlash(manager.agent, await manager.post(`/console/letters/${id}/send`, { expectAccounts: '2', expectEmails: '2' }));
    expect(sent.flash).toBe('Sending “Quiet letter” to 2 accounts: 2 emails, no points. The progress below fills as the batches go out.');
    const letters = t.app.get(LettersService);
    while ((await letters.runBatch()) > 0);
    await letters.runBatch();
    const progress = visible((await manager.agent.get(`/console/letters/${id}/progress`).set(HX)).text);
    expect(progress).toContain('Sent 0 of 2 emails (0%)');
    expect(progress).toContain('Accounts: 2 of 2 accounts done');
    expect(progress).toContain("Email delivery is off. SMTP_URL is not set, so the letter's emails wait in the outbox and the letter stays sending");
  });
});
