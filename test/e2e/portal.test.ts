/*
 * The client portal through the booted app, as a browser uses it: the login
 * form, cookies scoped to /portal, CSRF tokens in forms, post/redirect/get
 * with flash messages. What the client sees is checked against what the API
 * and the database then hold, and a client never sees another account.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { balanceOf, grant, makeAccount, makeTicket, setPolicy } from '../factories';
import { buy5get6Id, makePurchase, payPurchase, PurchaseBody } from '../factories/purchases';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp } from '../helpers/test-app';
import { followFlash, postForm, tokenIn, visible, WebAgent } from '../helpers/web-pages';

const PASSWORD = 'portal-e2e-password';
let seq = 0;

/** A user created by the admin through the API, with a known password. */
async function makeLogin(t: TestApp, role: 'client' | 'agent' | 'manager', accountId?: string, name = `Portal ${role} ${seq + 1}`) {
  const email = `${role}.${++seq}.${process.pid}@portal-e2e.test`;
  const res = await request(t.http).post('/api/users').set(t.admin.auth)
    .send({ email, name, role, password: PASSWORD, ...(accountId ? { accountId } : {}) });
  expect(res.status).toBe(201);
  return { email, name, password: PASSWORD, id: res.body.id as string };
}

/** A Set-Cookie header of the response by cookie name. */
function setCookie(res: request.Response, name: string): string | undefined {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return all.find((c) => c.startsWith(`${name}=`));
}

/** A browser that has signed in to the portal through its login form. */
async function portalLogin(t: TestApp, user: { email: string; password: string }) {
  const browser: WebAgent = request.agent(t.http);
  const form = await browser.get('/portal/login');
  const res = await browser.post('/portal/login').type('form').send({ email: user.email, password: user.password, _csrf: tokenIn(form.text) });
  return { browser, res };
}

/** A signed-in client with helpers to read pages and send the page's own forms. */
async function clientSession(t: TestApp, user: { email: string; password: string }) {
  const { browser, res } = await portalLogin(t, user);
  expect(res.status).toBe(303);
  const session = setCookie(res, 'pd_portal_session')!;
  return {
    browser,
    session,
    sessionValue: /^pd_portal_session=([^;]+)/.exec(session)![1],
    page: async (path: string) => browser.get(path),
    /** Sends a form as the page at `from` would, with that page's CSRF token. */
    post: (path: string, form: Record<string, string>, from = '/portal') => postForm(browser, from, path, form),
  };
}

/** The flash message shown on the page a post/redirect/get lands on. */
async function landing(browser: WebAgent, res: request.Response): Promise<{ path: string; flash: string; text: string; status: number }> {
  const { flash, page } = await followFlash(browser, res);
  return { path: res.headers.location, flash, text: visible(page.text), status: page.status };
}

describe('client portal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const accountApi = async (id: string) => (await request(t.http).get(`/api/accounts/${id}`).set(t.admin.auth)).body;
  const ticketsApi = async (accountId: string) =>
    (await request(t.http).get(`/api/tickets?accountId=${accountId}`).set(t.admin.auth)).body.items as { id: string; subject: string; channel: string; charge: { kind: string } }[];

  describe('signing in', () => {
    it('sends an anonymous visitor to the login page, remembering the page it wanted', async () => {
      const home = await request(t.http).get('/portal');
      expect(home.status).toBe(303);
      expect(home.headers.location).toBe('/portal/login');
      const tickets = await request(t.http).get('/portal/tickets');
      expect(tickets.headers.location).toBe('/portal/login?next=%2Fportal%2Ftickets');

      const login = await request(t.http).get('/portal/login');
      expect(login.status).toBe(200);
      expect(visible(login.text)).toContain('Sign in to the client portal');
      expect(login.text).toMatch(/<label for="login-email">Email<\/label>/);
      expect(login.text).toMatch(/<label for="login-password">Password<\/label>/);
      // Pre-login cookies are the portal's own, scoped to /portal.
      for (const name of ['pd_portal_anon', 'pd_portal_csrf']) {
        expect(setCookie(login, name)).toMatch(/; Path=\/portal;.*HttpOnly.*SameSite=Lax/);
      }
      expect(setCookie(login, 'pd_console_anon')).toBeUndefined();
    });

    it('signs a client in with a session cookie scoped to /portal, and back to the page it wanted', async () => {
      const account = await makeAccount(t, { name: 'Birchwood Dental' });
      const client = await makeLogin(t, 'client', account.id, 'Bea Birch');
      const browser: WebAgent = request.agent(t.http);
      const form = await browser.get('/portal/login?next=%2Fportal%2Ftickets');
      expect(form.text).toContain('name="next" value="/portal/tickets"');
      const res = await browser.post('/portal/login').type('form')
        .send({ email: client.email.toUpperCase(), password: client.password, next: '/portal/tickets', _csrf: tokenIn(form.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/portal/tickets');
      const cookie = setCookie(res, 'pd_portal_session')!;
      expect(cookie).toMatch(/; Path=\/portal;/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      const landed = await landing(browser, res);
      expect(landed.flash).toBe('Signed in as Bea Birch.');
      expect(landed.text).toContain('Birchwood Dental'); // the header names the account
      for (const link of ['Overview', 'Buy points', 'Purchases', 'Tickets']) expect(landed.text).toContain(link);
      expect(landed.text).toContain('Log out');
    });

    it('refuses a wrong password with 401 and staff with 403 and a pointer to the console, with no session', async () => {
      const account = await makeAccount(t);
      const client = await makeLogin(t, 'client', account.id);
      const wrong = await portalLogin(t, { email: client.email, password: 'not-the-password' });
      expect(wrong.res.status).toBe(401);
      expect(visible(wrong.res.text)).toContain('Wrong email or password.');
      expect(setCookie(wrong.res, 'pd_portal_session')).toBeUndefined();

      for (const role of ['agent', 'manager'] as const) {
        const staff = await makeLogin(t, role);
        const refused = await portalLogin(t, staff);
        expect(refused.res.status).toBe(403);
        expect(visible(refused.res.text)).toContain('This portal is for our clients. Support staff sign in to the console at /console.');
        expect(refused.res.text).toContain('href="/console/login"');
        expect(setCookie(refused.res, 'pd_portal_session')).toBeUndefined();
      }
      const admin = await portalLogin(t, { email: 'admin@pointdesk.test', password: 'admin-password-1' });
      expect(admin.res.status).toBe(403);
    });

    it('answers 429 with Retry-After after repeated wrong passwords, even for the right one', async () => {
      const account = await makeAccount(t);
      const client = await makeLogin(t, 'client', account.id);
      for (let i = 0; i < 5; i++) expect((await portalLogin(t, { email: client.email, password: `wrong-${i}` })).res.status).toBe(401);
      const blocked = await portalLogin(t, client);
      expect(blocked.res.status).toBe(429);
      expect(Number(blocked.res.headers['retry-after'])).toBeGreaterThan(0);
      expect(visible(blocked.res.text)).toMatch(/Too many failed logins; try again in \d+ seconds/);
    });

    it('refuses a form without this browser\'s CSRF token (403), before looking at the password', async () => {
      const account = await makeAccount(t);
      const client = await makeLogin(t, 'client', account.id);
      const res = await request(t.http).post('/portal/login').type('form').send({ email: client.email, password: client.password });
      expect(res.status).toBe(403);
      expect(setCookie(res, 'pd_portal_session')).toBeUndefined();
    });

    it('logs out and voids the session on the server: a copied cookie no longer opens the portal', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      expect((await s.page('/portal')).status).toBe(200);
      const out = await s.post('/portal/logout', {});
      const landed = await landing(s.browser, out);
      expect(landed.path).toBe('/portal/login');
      expect(landed.flash).toBe('You have logged out.');

      const copied = await request(t.http).get('/portal').set('Cookie', `pd_portal_session=${s.sessionValue}`);
      expect(copied.status).toBe(303);
      expect(copied.headers.location).toBe('/portal/login');
    });
  });

  describe('sessions stay in their own area', () => {
    it('a portal session opens nothing in the console, and a console session nothing in the portal', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      // The browser never sends a /portal cookie to /console; even when a script forces it, under either name, it is refused.
      const asPortalCookie = await request(t.http).get('/console').set('Cookie', `pd_portal_session=${s.sessionValue}`);
      expect(asPortalCookie.status).toBe(303);
      expect(asPortalCookie.headers.location).toBe('/console/login');
      const asConsoleCookie = await request(t.http).get('/console').set('Cookie', `pd_console_session=${s.sessionValue}`);
      expect(asConsoleCookie.status).toBe(303);
      expect(asConsoleCookie.headers.location).toBe('/console/login');
      // Nor as an API token.
      expect((await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${s.sessionValue}`)).status).toBe(401);

      const manager = await makeLogin(t, 'manager');
      const staff = request.agent(t.http);
      const form = await staff.get('/console/login');
      const login = await staff.post('/console/login').type('form').send({ email: manager.email, password: manager.password, _csrf: tokenIn(form.text) });
      expect(login.status).toBe(303);
      const consoleSession = /^pd_console_session=([^;]+)/.exec(setCookie(login, 'pd_console_session')!)![1];
      const inPortal = await request(t.http).get('/portal').set('Cookie', `pd_portal_session=${consoleSession}`);
      expect(inPortal.status).toBe(303);
      expect(inPortal.headers.location).toBe('/portal/login');
      // The staff member's own browser is sent to the portal login as well: its console cookie is not the portal's.
      expect((await staff.get('/portal')).headers.location).toBe('/portal/login');
    });
  });

  describe('overview', () => {
    it('shows the balance in large type, the favoured badge, the policy status and the history newest first', async () => {
      const account = await makeAccount(t, { name: 'Larkspur Legal', favoured: true });
      await request(t.http).post(`/api/accounts/${account.id}/points/grants`).set(t.admin.auth).send({ points: 10, reason: 'Thank you for ten years with us' });
      await request(t.http).post(`/api/accounts/${account.id}/points/adjustments`).set(t.admin.auth).send({ delta: 2, reason: 'Correction after the audit' });
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));

      const page = await s.page('/portal');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<h1>Overview<\/h1>/);
      expect(page.text).toContain('<span class="balance-number">12</span> points');
      const text = visible(page.text);
      expect(text).toContain('12 points');
      expect(text).toContain('Favoured customer');
      expect(text).toContain('Policy status Not yet on the new support terms');
      expect(text).not.toContain('Your balance is low');
      // Newest first: the adjustment, then the grant, each with kind, change, balance after and reason.
      const adjustment = text.indexOf('Adjustment +2 points 12 points Correction after the audit');
      const granted = text.indexOf('Grant +10 points 10 points Thank you for ten years with us');
      expect(adjustment).toBeGreaterThan(-1);
      expect(granted).toBeGreaterThan(adjustment);
      expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC Adjustment/);
    });

    it('pages the history: 20 entries a page, older ones on the next page (also as an htmx fragment)', async () => {
      const account = await makeAccount(t);
      for (let i = 1; i <= 23; i++) {
        await request(t.http).post(`/api/accounts/${account.id}/points/grants`).set(t.admin.auth).send({ points: 1, reason: `Grant number ${i}` });
      }
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const first = visible((await s.page('/portal')).text);
      expect(first).toContain('Entries 1–20 of 23, newest first.');
      expect(first).toContain('Grant number 23');
      expect(first).not.toContain('Grant number 3 ');
      expect(first).toContain('Older entries');
      expect(first).not.toContain('Newer entries');

      const second = await s.page('/portal?offset=20');
      const secondText = visible(second.text);
      expect(secondText).toContain('Entries 21–23 of 23, newest first.');
      for (const n of [1, 2, 3]) expect(secondText).toContain(`Grant number ${n} `);
      expect(secondText).not.toContain('Grant number 4 ');
      expect(secondText).toContain('Newer entries');

      const fragment = await s.browser.get('/portal/history?offset=20').set('HX-Request', 'true');
      expect(fragment.status).toBe(200);
      expect(fragment.text).not.toContain('<html');
      expect(visible(fragment.text)).toContain('Entries 21–23 of 23');
    });

    it('names the cheapest bundle on sale and its price when the balance is low', async () => {
      const account = await makeAccount(t);
      await grant(t, account.id, 1);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const text = visible((await s.page('/portal')).text);
      expect(text).toContain('1 point');
      expect(text).toContain('Your balance is low. Buy 5 get 6 gives you 6 points for $375.00');
      expect(text).toContain('See the bundles on sale');
    });

    it('shows the new terms until the client accepts them; accepting enrols the account', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const before = visible((await s.page('/portal')).text);
      expect(before).toContain('The new support terms');
      expect(before).toContain('A phone incident caused on your side uses points');
      expect(before).toContain('Email and portal tickets are always free');
      expect(before).toContain('Accept the new terms');

      const res = await s.post('/portal/terms/accept', {});
      const landed = await landing(s.browser, res);
      expect(landed.path).toBe('/portal');
      expect(landed.flash).toBe('Thank you: you have accepted the new support terms. Your account is now enrolled.');
      expect(landed.text).toContain('Policy status Enrolled — you are on the new support terms');
      expect(landed.text).not.toContain('Accept the new terms');
      expect((await accountApi(account.id)).policyStatus).toBe('enrolled');
    });
  });

  describe('tickets', () => {
    it('opens a free portal ticket for the client\'s own account and shows it in the list', async () => {
      await setPolicy(t, { chargeableChannels: ['phone', 'email', 'portal'] }); // even then: a client's ticket is not classified, so free
      try {
        const account = await makeAccount(t);
        await grant(t, account.id, 3);
        const s = await clientSession(t, await makeLogin(t, 'client', account.id));
        const page = await s.page('/portal/tickets');
        expect(page.text).toMatch(/<label for="ticket-subject">Subject<\/label>/);
        expect(page.text).toMatch(/<label for="ticket-description">Description<\/label>/);
        expect(visible(page.text)).toContain('You have no tickets yet.');

        const res = await s.post('/portal/tickets', { subject: 'Invoices print blank', description: 'Since Monday every invoice prints as a blank page.' }, '/portal/tickets');
        const landed = await landing(s.browser, res);
        const [ticket] = await ticketsApi(account.id);
        expect(ticket).toMatchObject({ subject: 'Invoices print blank', channel: 'portal', charge: { kind: 'none' } });
        expect(landed.path).toBe(`/portal/tickets/${ticket.id}`);
        expect(landed.flash).toMatch(/^Ticket PD-\d{6} opened\. Tickets opened in the portal are free/);
        expect(landed.text).toContain('Since Monday every invoice prints as a blank page.');
        expect(landed.text).toContain('Channel Portal');
        expect(landed.text).toContain('Charge No charge');
        expect((await accountApi(account.id)).balance).toBe(3);

        const list = visible((await s.page('/portal/tickets')).text);
        expect(list).toContain('Invoices print blank');
        expect(list).toContain('Open');
      } finally {
        await setPolicy(t, { chargeableChannels: ['phone'] });
      }
    });

    it('shows what is wrong next to the field and saves nothing', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const res = await s.post('/portal/tickets', { subject: '   ', description: 'kept as typed' }, '/portal/tickets');
      expect(res.status).toBe(422);
      expect(res.text).toContain('<p class="field-error" id="ticket-subject-error">Subject is required</p>');
      expect(res.text).toContain('kept as typed</textarea>');
      expect(await ticketsApi(account.id)).toEqual([]);
    });

    it('refuses a ticket for a closed account with a message', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      await request(t.http).post(`/api/accounts/${account.id}/close`).set(t.admin.auth).send({ reason: 'Moved to another provider' });
      const page = visible((await s.page('/portal/tickets')).text);
      expect(page).toContain('Your account is closed, so no new tickets can be opened here.');
      const res = await s.post('/portal/tickets', { subject: 'Still there?' }, '/portal/tickets');
      expect(res.status).toBe(409);
      expect(visible(res.text)).toContain('Your account is closed');
      expect(await ticketsApi(account.id)).toEqual([]);
    });

    it('refuses a form without the CSRF token (403) and saves nothing', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const res = await s.browser.post('/portal/tickets').type('form').send({ subject: 'Forged' });
      expect(res.status).toBe(403);
      expect(visible(res.text)).toContain('This form has expired or did not come from the client portal');
      const wrongToken = await s.browser.post('/portal/tickets').type('form').send({ subject: 'Forged', _csrf: 'x'.repeat(40) });
      expect(wrongToken.status).toBe(403);
      const terms = await s.browser.post('/portal/terms/accept').type('form').send({});
      expect(terms.status).toBe(403);
      expect(await ticketsApi(account.id)).toEqual([]);
      expect((await accountApi(account.id)).policyStatus).toBe('legacy');
    });
  });

  describe('buy points', () => {
    it('lists the bundles on sale with points, paid + bonus, price and a quantity field', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const page = await s.page('/portal/bundles');
      expect(page.status).toBe(200);
      const text = visible(page.text);
      expect(text).toContain('Buy 5 get 6 6 points (5 paid + 1 bonus) $375.00');
      expect(page.text).toMatch(/<label for="quantity-\d+">Quantity<\/label>/);
      expect(page.text).toContain('>Buy</button>');
    });
  });


  describe('buying points and paying', () => {
    let bundleId: string;
    beforeAll(async () => {
      bundleId = await buy5get6Id(t);
    });
    const purchasesApi = async (accountId: string) =>
      (await request(t.http).get(`/api/accounts/${accountId}/purchases`).set(t.admin.auth)).body.items as PurchaseBody[];

    it('"Buy" creates a pending purchase at the bundle\'s price and opens its page with the invoice details', async () => {
      const account = await makeAccount(t, { name: 'Quillfeather Press' });
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const res = await s.post(`/portal/bundles/${bundleId}/buy`, { quantity: '2' }, '/portal/bundles');
      const [purchase] = await purchasesApi(account.id);
      expect(purchase).toMatchObject({ status: 'pending', quantity: 2, points: 12, amountCents: 75000, paidCents: 0, currency: 'USD' });
      const landed = await landing(s.browser, res);
      expect(landed.path).toBe(`/portal/purchases/${purchase.id}`);
      expect(landed.flash).toBe(`Purchase ${purchase.invoiceNumber} created: Buy 5 get 6 × 2, 12 points. Pay by invoice; the points are added when the payment has arrived.`);
      expect(landed.text).toContain(`Purchase ${purchase.invoiceNumber}`);
      expect(landed.text).toContain('Status Awaiting payment');
      expect(landed.text).toContain('Amount $750.00 Paid $0.00 Balance due $750.00');
      // Pay by invoice: no bank details configured here, so the invoice will be sent; the invoice number is the reference.
      expect(landed.text).toContain('Pay by invoice');
      expect(landed.text).toContain('We will send you the invoice with our bank details.');
      expect(landed.text).toContain(`Payment reference: ${purchase.invoiceNumber}`);
      expect(landed.text).not.toContain('Pay by card'); // no Stripe keys in this app
      expect(landed.text).toContain('Cancel purchase');
      expect(await balanceOf(t, account.id)).toBe(0); // no points for money that has not arrived

      const list = visible((await s.page('/portal/purchases')).text);
      expect(list).toContain(`${purchase.invoiceNumber} Buy 5 get 6 × 2 12 points $750.00 $0.00 $750.00 Awaiting payment`);
    });

    it('serves the printable invoice as HTML', async () => {
      const account = await makeAccount(t, { name: 'Tamarind Travel' });
      const client = await makeLogin(t, 'client', account.id);
      const s = await clientSession(t, client);
      const p = await makePurchase(t, account.id, { bundleId });
      const res = await s.page(`/portal/purchases/${p.id}/invoice`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const text = visible(res.text);
      expect(text).toContain(p.invoiceNumber);
      expect(text).toContain('Tamarind Travel');
      expect(text).toContain('$375.00');
      expect((await s.page(`/portal/purchases/${p.id}`)).text).toContain(`href="/portal/purchases/${p.id}/invoice"`);
    });

    it('shows what is wrong with the quantity next to its field and creates nothing', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      for (const [quantity, message] of [['0', 'Quantity must be a whole number from 1 to 100'], ['101', 'Quantity must be a whole number from 1 to 100'], ['two', 'Quantity must be a whole number from 1 to 100'], ['1.5', 'Quantity must be a whole number from 1 to 100'], ['', 'Quantity is required']]) {
        const res = await s.post(`/portal/bundles/${bundleId}/buy`, { quantity }, '/portal/bundles');
        expect(res.status).toBe(422);
        expect(res.text).toContain(`<p class="field-error" id="quantity-${bundleId}-error">${message}</p>`);
        expect(res.text).toContain(`value="${quantity}"`);
      }
      expect(await purchasesApi(account.id)).toEqual([]);
    });

    it('refuses a bundle that is not on sale with a message, and creates nothing', async () => {
      const created = await request(t.http).post('/api/bundles').set(t.admin.auth)
        .send({ code: `past-${process.pid}`, name: 'Last year\'s offer', paidIncidents: 2, bonusIncidents: 1, priceCents: 10000, availableUntil: '2020-12-31' });
      expect(created.status).toBe(201);
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      expect((await s.page('/portal/bundles')).text).not.toContain('Last year');
      const res = await s.post(`/portal/bundles/${created.body.id}/buy`, { quantity: '1' }, '/portal/bundles');
      const landed = await landing(s.browser, res);
      expect(landed.path).toBe('/portal/bundles');
      expect(landed.flash).toMatch(/not on sale/);
      expect(await purchasesApi(account.id)).toEqual([]);
    });

    it('cancels a purchase while nothing is paid; a partly paid one only staff can cancel', async () => {
      const account = await makeAccount(t);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const unpaid = await makePurchase(t, account.id, { bundleId });
      const res = await s.post(`/portal/purchases/${unpaid.id}/cancel`, {}, `/portal/purchases/${unpaid.id}`);
      const landed = await landing(s.browser, res);
      expect(landed.flash).toBe(`Purchase ${unpaid.invoiceNumber} cancelled. Nothing is due for it.`);
      expect(landed.text).toContain('Status Cancelled');
      expect(landed.text).not.toContain('Cancel purchase');
      expect(landed.text).not.toContain('Pay by invoice');
      expect((await purchasesApi(account.id)).find((p) => p.id === unpaid.id)?.status).toBe('cancelled');

      const partly = await makePurchase(t, account.id, { bundleId });
      expect((await payPurchase(t, partly.id, 10000, { reference: 'first instalment' })).status).toBe(200);
      const page = visible((await s.page(`/portal/purchases/${partly.id}`)).text);
      expect(page).toContain('Paid $100.00 Balance due $275.00');
      expect(page).toMatch(/\d{2}:\d{2} UTC \$100\.00 Bank transfer first instalment/);
      expect(page).not.toContain('Cancel purchase');
      const refused = await landing(s.browser, await s.post(`/portal/purchases/${partly.id}/cancel`, {}, `/portal/purchases/${partly.id}`));
      expect(refused.flash).toMatch(/partly paid; ask us to cancel it/);
      expect((await purchasesApi(account.id)).find((p) => p.id === partly.id)?.status).toBe('pending');
    });

    it('once paid in full, the purchase shows paid and the points are on the overview', async () => {
      const account = await makeAccount(t);
      await grant(t, account.id, 1);
      const s = await clientSession(t, await makeLogin(t, 'client', account.id));
      const p = await makePurchase(t, account.id, { bundleId });
      expect((await payPurchase(t, p.id, 37500)).status).toBe(200);
      const page = visible((await s.page(`/portal/purchases/${p.id}`)).text);
      expect(page).toContain('Status Paid');
      expect(page).toContain('Balance due $0.00');
      expect(page).not.toContain('Pay by invoice');
      const home = visible((await s.page('/portal')).text);
      expect(home).toContain('Purchase +6 points 7 points');
      expect(home).toContain('Policy status Enrolled');
      await expectLedgerInvariants(t.dataSource);
    });
  });

  describe('isolation', () => {
    it('a client guessing another account\'s ticket ids gets 404 and sees nothing of it', async () => {
      const a = await makeAccount(t, { name: 'Alder Architects' });
      const b = await makeAccount(t, { name: 'Bramble Bakery' });
      const bTicket = (await makeTicket(t, { accountId: b.id, channel: 'email', subject: 'Bramble secret oven recipe' })).body;
      const s = await clientSession(t, await makeLogin(t, 'client', a.id));
      for (const path of [`/portal/tickets/${bTicket.id}`, '/portal/tickets/999999', '/portal/tickets/abc']) {
        const res = await s.page(path);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain('Bramble');
        // The portal's own error page: a way back to the portal, nothing of the staff console.
        expect(res.text).toContain('Back to the portal');
        expect(res.text).not.toContain('href="/console');
      }
      const list = await s.page('/portal/tickets');
      expect(list.text).not.toContain('Bramble');
      const home = await s.page('/portal');
      expect(home.text).not.toContain('Bramble');
    });

    it('a client guessing another account\'s purchase and invoice ids gets 404, sees nothing and changes nothing', async () => {
      const bundleId = await buy5get6Id(t);
      const a = await makeAccount(t, { name: 'Aspen Analytics' });
      const b = await makeAccount(t, { name: 'Bluebell Bistro' });
      const bPurchase = await makePurchase(t, b.id, { bundleId });
      const s = await clientSession(t, await makeLogin(t, 'client', a.id));
      for (const path of [`/portal/purchases/${bPurchase.id}`, `/portal/purchases/${bPurchase.id}/invoice`, '/portal/purchases/999999', '/portal/purchases/x1']) {
        const res = await s.page(path);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain('Bluebell');
        expect(res.text).not.toContain(bPurchase.invoiceNumber);
      }
      for (const action of ['cancel', 'card']) {
        const res = await s.post(`/portal/purchases/${bPurchase.id}/${action}`, {});
        expect(res.status).toBe(404);
      }
      const list = await s.page('/portal/purchases');
      expect(list.text).not.toContain(bPurchase.invoiceNumber);
      const after = (await request(t.http).get(`/api/purchases/${bPurchase.id}`).set(t.admin.auth)).body;
      expect(after).toMatchObject({ status: 'pending', paidCents: 0 });
    });
  });
});

describe('client portal with card payments and bank details configured', () => {
  let t: TestApp;
  let stripe: ReturnType<typeof createServer>;
  const checkouts: URLSearchParams[] = [];
  beforeAll(async () => {
    // Stands in for Stripe's API: every Checkout session it is asked for gets a payment page URL.
    stripe = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        checkouts.push(new URLSearchParams(body));
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ id: `cs_portal_${checkouts.length}`, object: 'checkout.session', url: `https://pay.example.test/cs_portal_${checkouts.length}` }));
      });
    });
    await new Promise<void>((resolve) => stripe.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_portal', STRIPE_WEBHOOK_SECRET: 'whsec_portal', STRIPE_API_URL: `http://127.0.0.1:${(stripe.address() as AddressInfo).port}`,
        BILLING_BANK_DETAILS: 'Harbour Savings Bank\\nIBAN GB33 BUKB 2020 1555 5555 55\\nBIC BUKBGB22',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => stripe.close(resolve));
  });

  it('shows the bank transfer details and sends "Pay by card" to the Stripe Checkout page for what is due', async () => {
    const account = await makeAccount(t);
    const s = await clientSession(t, await makeLogin(t, 'client', account.id));
    const res = await s.post(`/portal/bundles/${await buy5get6Id(t)}/buy`, { quantity: '1' }, '/portal/bundles');
    const landed = await landing(s.browser, res);
    const purchaseId = landed.path.split('/').pop()!;
    const { invoiceNumber } = (await request(t.http).get(`/api/purchases/${purchaseId}`).set(t.admin.auth)).body;
    expect(landed.text).toContain('Transfer $375.00 to: Harbour Savings Bank IBAN GB33 BUKB 2020 1555 5555 55 BIC BUKBGB22');
    expect(landed.text).toContain(`Payment reference: ${invoiceNumber}`);
    expect(landed.text).toContain('Pay by card');

    const card = await s.post(`/portal/purchases/${purchaseId}/card`, {}, `/portal/purchases/${purchaseId}`);
    expect(card.status).toBe(303);
    expect(card.headers.location).toBe(`https://pay.example.test/cs_portal_${checkouts.length}`);
    expect(checkouts.at(-1)!.get('line_items[0][price_data][unit_amount]')).toBe('37500');

    const back = visible((await s.page(`/portal/purchases/${purchaseId}?card=cancelled`)).text);
    expect(back).toContain('The card payment was cancelled; nothing was charged.');
  });
});

describe('client portal: accepting an invitation', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://help.portal.test' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** Invites a client user of the account (as the admin) and returns the token of the link that arrived by email. */
  const invite = async (accountId: string, email: string): Promise<string> => {
    const res = await request(t.http).post(`/api/accounts/${accountId}/invitations`).set(t.admin.auth).send({ name: 'Ivy Invitee', email });
    expect(res.status).toBe(201);
    await t.app.get(OutboxSender).drain();
    const mail = smtp.received.filter((m) => m.to.includes(email)).at(-1)!;
    return /https:\/\/help\.portal\.test\/portal\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
  };

  it('sets the password from the emailed link, then the client signs in; the link works once', async () => {
    const account = await makeAccount(t, { name: 'Juniper Joinery' });
    const email = `ivy.${process.pid}@portal-e2e.test`;
    const token = await invite(account.id, email);
    const browser: WebAgent = request.agent(t.http);

    const page = await browser.get(`/portal/invitations/${token}`);
    expect(page.status).toBe(200);
    expect(visible(page.text)).toContain('Set your password for Juniper Joinery');
    expect(visible(page.text)).toContain(`you will sign in with ${email}`);
    expect(page.text).toMatch(/<label for="invite-password">Password<\/label>/);
    expect(page.text).toMatch(/<label for="invite-confirm">Confirm password<\/label>/);

    const mismatch = await browser.post(`/portal/invitations/${token}`).type('form')
      .send({ password: 'a-good-password', confirm: 'another-password', _csrf: tokenIn(page.text) });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('<p class="field-error" id="invite-confirm-error">The two passwords do not match</p>');
    const short = await browser.post(`/portal/invitations/${token}`).type('form').send({ password: 'short', confirm: 'short', _csrf: tokenIn(page.text) });
    expect(short.status).toBe(422);
    expect(short.text).toContain('<p class="field-error" id="invite-password-error">Password must be 8 to 200 characters long</p>');
    expect((await request(t.http).post('/api/auth/login').send({ email, password: 'a-good-password' })).status).toBe(401);

    const noToken = await browser.post(`/portal/invitations/${token}`).type('form').send({ password: 'a-good-password', confirm: 'a-good-password' });
    expect(noToken.status).toBe(403);

    const set = await browser.post(`/portal/invitations/${token}`).type('form')
      .send({ password: 'a-good-password', confirm: 'a-good-password', _csrf: tokenIn(page.text) });
    const landed = await landing(browser, set);
    expect(landed.path).toBe('/portal/login');
    expect(landed.flash).toBe('Password set. Sign in.');

    const s = await clientSession(t, { email, password: 'a-good-password' });
    const home = visible((await s.page('/portal')).text);
    expect(home).toContain('Juniper Joinery');
    expect(home).toContain('Overview');

    for (const res of [await request(t.http).get(`/portal/invitations/${token}`), await request(t.http).get('/portal/invitations/not-a-real-token')]) {
      expect(res.status).toBe(404);
      expect(visible(res.text)).toContain('This link is no longer valid');
      expect(res.text).not.toContain('Juniper');
    }
  });
});
