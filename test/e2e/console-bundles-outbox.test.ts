/*
 * The manager console's Bundles and Outbox pages and the account page's
 * low-balance banner, through the booted app with a real console session
 * (login form, cookies, CSRF) as a browser would use them: pages render for
 * managers only, forms change what the API then reports, and bad input is
 * refused with a message next to the field and nothing saved.
 */
import request from 'supertest';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { grant, makeAccount, makeTicket } from '../factories';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp } from '../helpers/test-app';
import { consoleSession, ConsoleSession, fieldError, followFlash, visible } from '../helpers/web-pages';

describe('console: bundles and the low-balance banner (no SMTP_URL)', () => {
  let t: TestApp;
  let manager: ConsoleSession;
  beforeAll(async () => {
    t = await startTestApp();
    manager = await consoleSession(t, 'manager');
  });
  afterAll(async () => {
    await t.close();
  });

  const bundlesApi = async () => (await request(t.http).get('/api/bundles').set(t.admin.auth)).body.items as {
    id: string; code: string; name: string; priceCents: number; currency: string; active: boolean; onSale: boolean; availableUntil: string | null;
  }[];

  it('lists the catalog for a manager, with links in the navigation', async () => {
    const res = await manager.agent.get('/console/bundles');
    expect(res.status).toBe(200);
    const text = visible(res.text);
    expect(text).toContain('Bundles');
    expect(res.text).toContain('<h1>Bundles</h1>');
    expect(text).toMatch(/Buy 5 get 6 buy5get6 6 points \(5 paid \+ 1 bonus\) \$375\.00 Always On sale/);
    expect(res.text).toContain('<a href="/console/bundles">Bundles</a>');
    expect(res.text).toContain('<a href="/console/outbox">Outbox</a>');
    for (const label of ['Name', 'Code', 'Paid incidents', 'Bonus incidents', 'Price', 'Currency', 'On sale from', 'On sale until']) {
      expect(res.text).toMatch(new RegExp(`<label for="new-bundle-[a-z]+">${label}</label>`));
    }
  });

  it('keeps agents out of the manager pages, and out of the navigation', async () => {
    const agent = await consoleSession(t, 'agent');
    for (const path of ['/console/bundles', '/console/outbox', '/console/bundles/1/edit', '/console/outbox/1']) {
      const res = await agent.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(visible(res.text)).toContain('This page is for managers and admins only');
    }
    const home = await agent.agent.get('/console');
    expect(home.text).not.toContain('/console/bundles');
    expect(home.text).not.toContain('/console/outbox');
    const before = (await bundlesApi()).length;
    const post = await agent.post('/console/bundles', { code: 'agent-made', name: 'Agent made', paidIncidents: '1', bonusIncidents: '0', price: '10' });
    expect(post.status).toBe(403);
    expect(await bundlesApi()).toHaveLength(before);
  });

  it('creates a bundle, refusing bad input next to each field and a form without its CSRF token', async () => {
    const before = (await bundlesApi()).length;
    const bad = await manager.post('/console/bundles', {
      code: 'Buy Ten!', name: ' ', paidIncidents: '0', bonusIncidents: 'two', price: '12.345', currency: 'usd', availableFrom: '2026-02-30', availableUntil: '',
    });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'new-bundle-code')).toBe('Code must be lowercase letters, digits, "-" or "_"');
    expect(fieldError(bad.text, 'new-bundle-name')).toBe('Name is required');
    expect(fieldError(bad.text, 'new-bundle-paid')).toBe('Paid incidents must not be less than 1');
    expect(fieldError(bad.text, 'new-bundle-bonus')).toBe('Bonus incidents must be a whole number');
    expect(fieldError(bad.text, 'new-bundle-price')).toBe('Price must be an amount in USD such as 375.00');
    expect(fieldError(bad.text, 'new-bundle-from')).toBe('On sale from must be a real date written YYYY-MM-DD');
    expect(bad.text).toContain('value="Buy Ten!"'); // what was typed stays in the form
    expect(await bundlesApi()).toHaveLength(before);

    const forged = await manager.agent.post('/console/bundles').type('form')
      .send({ code: 'forged', name: 'Forged', paidIncidents: '1', bonusIncidents: '0', price: '1' });
    expect(forged.status).toBe(403);

    const tooDear = await manager.post('/console/bundles', { code: 'dear', name: 'Dear', paidIncidents: '1', bonusIncidents: '0', price: '2000000' });
    expect(fieldError(tooDear.text, 'new-bundle-price')).toBe('Price must be at most $1,000,000.00');

    const ok = await manager.post('/console/bundles', {
      code: 'buy10get12', name: 'Buy 10 get 12', paidIncidents: '10', bonusIncidents: '2', price: '1,200.50', currency: '', availableFrom: '', availableUntil: '',
    });
    expect((await followFlash(manager.agent, ok)).flash).toBe('Bundle “Buy 10 get 12” created: 12 points for $1,200.50.');
    const made = (await bundlesApi()).find((b) => b.code === 'buy10get12');
    expect(made).toMatchObject({ name: 'Buy 10 get 12', priceCents: 120050, currency: 'USD', active: true, onSale: true });

    const dup = await manager.post('/console/bundles', { code: 'buy10get12', name: 'Again', paidIncidents: '1', bonusIncidents: '0', price: '1' });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.text, 'new-bundle-code')).toBe('Another bundle already has this code');
  });

  it('edits a bundle on its own page, and refuses a sale window that ends before it starts', async () => {
    const b = (await bundlesApi()).find((x) => x.code === 'buy10get12')!;
    const page = await manager.agent.get(`/console/bundles/${b.id}/edit`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Edit bundle: Buy 10 get 12</h1>');
    expect(page.text).toContain('value="1200.50"');

    const form = { code: 'buy10get12', name: 'Buy 10 get 12', paidIncidents: '10', bonusIncidents: '2', price: '1100', currency: 'USD' };
    const backwards = await manager.post(`/console/bundles/${b.id}`, { ...form, availableFrom: '2027-03-01', availableUntil: '2027-01-31' });
    expect(backwards.status).toBe(422);
    expect(fieldError(backwards.text, 'edit-bundle-until')).toBe('On sale until must be on or after On sale from');
    expect((await bundlesApi()).find((x) => x.id === b.id)!.priceCents).toBe(120050);

    const missing = await manager.post(`/console/bundles/${b.id}`, { ...form, price: '' });
    expect(fieldError(missing.text, 'edit-bundle-price')).toBe('Price is required');

    const saved = await manager.post(`/console/bundles/${b.id}`, { ...form, availableFrom: '', availableUntil: '2000-01-31' });
    expect((await followFlash(manager.agent, saved)).flash).toBe('Bundle “Buy 10 get 12” saved: 12 points for $1,100.00 (not on sale today).');
    expect((await bundlesApi()).find((x) => x.id === b.id)).toMatchObject({ priceCents: 110000, availableUntil: '2000-01-31', onSale: false });
    expect(visible((await manager.agent.get('/console/bundles')).text)).toContain('Until 2000-01-31 Outside sale window (ended 2000-01-31)');

    const reopened = await manager.post(`/console/bundles/${b.id}`, { ...form, currency: '', availableFrom: '', availableUntil: '' });
    expect((await followFlash(manager.agent, reopened)).flash).toBe('Bundle “Buy 10 get 12” saved: 12 points for $1,100.00.');
    expect((await bundlesApi()).find((x) => x.id === b.id)).toMatchObject({ currency: 'USD', availableUntil: null, onSale: true });

    expect((await manager.agent.get('/console/bundles/999999/edit')).status).toBe(404);
    expect((await manager.agent.get('/console/bundles/abc/edit')).status).toBe(404);
  });

  it('deactivates and reactivates a bundle', async () => {
    const b = (await bundlesApi()).find((x) => x.code === 'buy10get12')!;
    const off = await manager.post(`/console/bundles/${b.id}/active`, { active: 'false' });
    expect((await followFlash(manager.agent, off)).flash).toBe('Bundle “Buy 10 get 12” deactivated: it is no longer on sale.');
    expect((await bundlesApi()).find((x) => x.id === b.id)).toMatchObject({ active: false, onSale: false });
    const list = await manager.agent.get('/console/bundles');
    expect(visible(list.text)).toContain('Buy 10 get 12 buy10get12 12 points (10 paid + 2 bonus) $1,100.00 Always Inactive');
    expect(list.text).toContain('aria-label="Reactivate Buy 10 get 12"');

    const on = await manager.post(`/console/bundles/${b.id}/active`, { active: 'true' });
    expect((await followFlash(manager.agent, on)).flash).toBe('Bundle “Buy 10 get 12” reactivated: it is on sale again.');
    expect((await bundlesApi()).find((x) => x.id === b.id)).toMatchObject({ active: true, onSale: true });
  });

  it('names the cheapest bundle on sale in the low-balance banner, or says plainly that none is', async () => {
    const account = await makeAccount(t, { name: 'Lowland Plumbing' });
    await grant(t, account.id, 1); // at the threshold of 1: low
    const banner = async () => {
      const html = (await manager.agent.get(`/console/accounts/${account.id}`)).text;
      const m = /<div class="low-balance" role="note">([\s\S]*?)<\/div>/.exec(html);
      return m ? visible(m[1]).trim() : null;
    };
    expect(await banner()).toBe('Low balance — offer Buy 5 get 6: 6 points for $375.00 5 paid + 1 bonus; the cheapest bundle on sale today. 1 other bundle is on sale too.');

    const cheap = await manager.post('/console/bundles', { code: 'starter', name: 'Starter pack', paidIncidents: '2', bonusIncidents: '0', price: '150' });
    expect(cheap.status).toBe(303);
    expect(await banner()).toMatch(/^Low balance — offer Starter pack: 2 points for \$150\.00 /);

    // Nothing on sale: the banner says so instead of naming a bundle.
    const onSale = (await bundlesApi()).filter((b) => b.onSale);
    for (const b of onSale) await manager.post(`/console/bundles/${b.id}/active`, { active: 'false' });
    expect(await banner()).toBe('Low balance — no bundle is on sale today, so there is none to offer. Calls the balance cannot cover are billed per incident ($75.00).');
    for (const b of onSale) await manager.post(`/console/bundles/${b.id}/active`, { active: 'true' });

    await grant(t, account.id, 5);
    expect(await banner()).toBeNull();
  });

  it('says on the outbox that mail stays there while SMTP_URL is not set', async () => {
    const res = await manager.agent.get('/console/outbox');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Outbox</h1>');
    expect(visible(res.text)).toContain('Email delivery is off. SMTP_URL is not set, so mail stays in the outbox as pending until SMTP_URL is set');

    // A low-balance offer queued now waits, and its page says why.
    const account = await makeAccount(t, { name: 'Waiting Mail Ltd' });
    await grant(t, account.id, 2);
    expect((await makeTicket(t, { accountId: account.id, fault: 'client' })).status).toBe(201);
    const accountPage = await manager.agent.get(`/console/accounts/${account.id}`);
    expect(accountPage.text).toContain(`href="/console/outbox?accountId=${account.id}">Emails</a>`);
    const list = await manager.agent.get(`/console/outbox?accountId=${account.id}`);
    expect(visible(list.text)).toContain('Waiting Mail Ltd: 1 point of support left');
    const id = /href="\/console\/outbox\/(\d+)"/.exec(list.text)![1];
    const message = visible((await manager.agent.get(`/console/outbox/${id}`)).text);
    expect(message).toContain('Status Pending Attempts 0');
    expect(message).toContain('Email delivery is off (SMTP_URL is not set): this email stays in the outbox until SMTP_URL is set.');
    expect(message).not.toContain('Retry');
  });
});

describe('console: the outbox (SMTP server that rejects some mail)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: ConsoleSession;
  let account: { id: string; name: string };
  beforeAll(async () => {
    smtp = await startSmtpSink({ reject: (m) => (m.to.some((a) => a.startsWith('bounce.')) ? { code: 550, message: 'mailbox unavailable' } : null) });
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    manager = await consoleSession(t, 'manager');
    // Two contacts; the offer to one of them bounces.
    account = await makeAccount(t, {
      name: 'Outbox <Widgets> & Co',
      contacts: [
        { name: 'Olive Owner', email: `olive.${process.pid}@client.test` },
        { name: 'Bea <b>Bounce</b>', email: `bounce.${process.pid}@client.test` },
      ],
    });
    await grant(t, account.id, 2);
    expect((await makeTicket(t, { accountId: account.id, fault: 'client' })).status).toBe(201); // 2 → 1: low-balance offers queued
    const round = await t.app.get(OutboxSender).drain();
    expect(round).toMatchObject({ sent: 1, failed: 1 });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const emails = async (query = '') => (await request(t.http).get(`/api/notifications?accountId=${account.id}${query}`).set(t.admin.auth)).body.items as {
    id: string; to: string; status: string;
  }[];

  it('shows counts and the list newest first, with no delivery warning', async () => {
    const res = await manager.agent.get('/console/outbox');
    expect(res.status).toBe(200);
    const text = visible(res.text);
    expect(text).toMatch(/0 Pending 1 Sent 1 Failed/);
    expect(text).not.toContain('Email delivery is off');
    expect(text).toContain('Showing 1–2 of 2, newest first.');
    expect(text).toContain('Outbox <Widgets> & Co: 1 point of support left');
    expect(res.text).not.toContain('<Widgets>');
    expect(text).toContain(`bounce.${process.pid}@client.test Low-balance offer Account ${account.id} Failed 1`);
  });

  it('filters by account, kind and status, and refuses filter values it cannot use', async () => {
    const failed = await manager.agent.get(`/console/outbox?accountId=${account.id}&kind=low_balance_offer&status=failed`);
    expect(failed.status).toBe(200);
    expect(visible(failed.text)).toContain('Showing 1–1 of 1');
    expect(failed.text).toContain(`bounce.${process.pid}@client.test`);
    expect(failed.text).not.toContain(`olive.${process.pid}@client.test`);
    expect(failed.text).toContain('<option value="failed" selected>Failed</option>');

    const none = await manager.agent.get('/console/outbox?kind=letter');
    expect(visible(none.text)).toContain('No email matches this filter.');

    const bad = await manager.agent.get('/console/outbox?accountId=acme&kind=spam&status=lost');
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'outbox-account')).toBe('Account id must be a number such as 42');
    expect(fieldError(bad.text, 'outbox-kind')).toBe('Choose a kind from the list');
    expect(fieldError(bad.text, 'outbox-status')).toBe('Choose a status from the list');
    expect(visible(bad.text)).toContain('Correct the filter above to see emails.');
  });

  it('pages through a long outbox', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await makeAccount(t, { contacts: Array.from({ length: 9 }, (_, k) => ({ name: `C${k}`, email: `p${i}.${k}.${process.pid}@client.test` })) });
      await grant(t, a.id, 2);
      await makeTicket(t, { accountId: a.id, fault: 'client' });
    }
    // 2 + 27 emails: two pages of 25.
    const first = visible((await manager.agent.get('/console/outbox')).text);
    expect(first).toContain('Showing 1–25 of 29, newest first.');
    expect(first).toContain('Older emails →');
    expect(first).not.toContain('Newer emails');
    const second = visible((await manager.agent.get('/console/outbox?page=2')).text);
    expect(second).toContain('Showing 26–29 of 29');
    expect(second).toContain('← Newer emails');
    expect(visible((await manager.agent.get('/console/outbox?page=99')).text)).toContain('No emails on this page: it is past the last one.');
  });

  it('shows one email: headers, the text body and the HTML body kept in a sandbox', async () => {
    const bounced = (await emails('&status=failed'))[0];
    const res = await manager.agent.get(`/console/outbox/${bounced.id}`);
    expect(res.status).toBe(200);
    const text = visible(res.text);
    expect(res.text).toContain('<h1>Email: Outbox &lt;Widgets&gt; &amp; Co: 1 point of support left</h1>');
    expect(text).toContain(`To ${bounced.to}`);
    expect(text).toContain('Status Failed Attempts 1 Last error');
    expect(text).toContain('mailbox unavailable');
    expect(text).toContain('Next attempt — ');
    expect(text).toContain('Sent at Not sent');
    expect(text).toContain(`Account Outbox <Widgets> & Co`);
    const pre = /<pre class="mail-text">([\s\S]*?)<\/pre>/.exec(res.text)![1];
    expect(visible(pre)).toContain('Dear Bea <b>Bounce</b>');
    expect(visible(pre)).toContain('Buy 5 get 6: 6 points (5 paid + 1 free) for $375.00');
    // The HTML body only inside the sandboxed iframe's srcdoc, escaped as an attribute: no tag of the email reaches the page.
    expect(res.text).toMatch(/<iframe class="mail-html" title="HTML body of the email" sandbox srcdoc="&lt;!doctype html&gt;/);
    expect(res.text).not.toContain('<b>Bounce</b>');
    expect(res.text).not.toContain('<table role="presentation"');
    expect(res.text).toContain('<button type="submit">Retry</button>');

    const sent = (await emails('&status=sent'))[0];
    const sentPage = await manager.agent.get(`/console/outbox/${sent.id}`);
    expect(visible(sentPage.text)).toMatch(/Sent at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(sentPage.text).not.toContain('>Retry</button>');

    expect((await manager.agent.get('/console/outbox/999999')).status).toBe(404);
  });

  it('retries a failed email, and says so when it is not failed any more', async () => {
    const bounced = (await emails('&status=failed'))[0];
    const forged = await manager.agent.post(`/console/outbox/${bounced.id}/retry`).type('form').send({});
    expect(forged.status).toBe(403);
    expect((await emails('&status=failed'))).toHaveLength(1);

    const res = await manager.post(`/console/outbox/${bounced.id}/retry`, {});
    expect(res.headers.location).toBe(`/console/outbox/${bounced.id}`);
    expect((await followFlash(manager.agent, res)).flash).toBe(`Email to ${bounced.to} queued again. It goes out with the next outbox round.`);
    expect((await emails('&status=pending')).map((n) => n.id)).toEqual([bounced.id]);
    expect(visible((await manager.agent.get(`/console/outbox/${bounced.id}`)).text)).toContain('Status Pending Attempts 0');

    const again = await manager.post(`/console/outbox/${bounced.id}/retry`, {});
    expect(again.status).toBe(409);
    expect(visible(again.text)).toContain('Only a failed email can be retried; this one is not failed (any more).');
  });
});
