/*
 * The account page's Client users and Purchases sections and the purchase
 * page, through the booted app with real console sessions (login form,
 * cookies, CSRF) as a browser would use them: an agent sells a bundle, a
 * manager records a partial and then a full payment (the points arrive with
 * the last one), agents can neither see nor post the payment form, and a
 * manager's invitation reaches a real SMTP server.
 */
import request from 'supertest';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { balanceOf, makeAccount } from '../factories';
import { ledgerRows, tag } from '../factories/db';
import { buy5get6Id } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp } from '../helpers/test-app';
import { consoleSession, ConsoleSession, fieldError, followFlash, formAlert, labels, visible } from '../helpers/web-pages';

describe('console: client users and purchases on the account page', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: ConsoleSession;
  let agent: ConsoleSession;
  let bundleId: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://help.acme.example' } });
    manager = await consoleSession(t, 'manager');
    agent = await consoleSession(t, 'agent');
    bundleId = await buy5get6Id(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  afterEach(async () => { await expectLedgerInvariants(t.dataSource); });

  const purchaseApi = async (id: string) => (await request(t.http).get(`/api/purchases/${id}`).set(t.admin.auth)).body;
  const purchaseCount = async (accountId: string) => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM purchases WHERE account_id = ?', [Number(accountId)]))[0].n);
  const paymentCount = async (purchaseId: string) => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM purchase_payments WHERE purchase_id = ?', [Number(purchaseId)]))[0].n);

  /** An agent sells buy5get6 from the account page; returns the new purchase's id. */
  const sell = async (accountId: string, as: ConsoleSession = agent, quantity = '1') => {
    const res = await as.post(`/console/accounts/${accountId}/purchases`, { bundleId, quantity });
    expect(res.status).toBe(303);
    const m = /^\/console\/purchases\/(\d+)$/.exec(res.headers.location);
    expect(m).not.toBeNull();
    return { id: m![1], res };
  };

  it('lets an agent sell a bundle from the account page: a pending purchase, listed with a link', async () => {
    const acc = await makeAccount(t, { name: 'Sellwell Ltd' });
    const page = await agent.agent.get(`/console/accounts/${acc.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="purchases-heading">Purchases</h2>');
    expect(page.text).toContain('<h3 id="sell-heading">Sell a bundle</h3>');
    expect(labels(page.text)).toEqual(expect.arrayContaining(['Bundle', 'Quantity']));
    expect(page.text).toMatch(/<option value="\d+">Buy 5 get 6 — 6 points for \$375\.00<\/option>/);
    expect(page.text).toContain('<button type="submit">Sell bundle</button>');
    expect(visible(page.text)).toContain('No purchases yet.');

    const { id, res } = await sell(acc.id, agent, '2');
    const { flash, page: purchasePage } = await followFlash(agent.agent, res);
    expect(flash).toMatch(/^Purchase INV-\d{6} created: Buy 5 get 6 × 2, 12 points for \$750\.00\. The points are added once it is paid in full\.$/);
    await expect(purchaseApi(id)).resolves.toMatchObject({ accountId: acc.id, status: 'pending', quantity: 2, points: 12, amountCents: 75000, paidCents: 0 });
    const { invoiceNumber } = await purchaseApi(id);

    // The purchase page, as an agent sees it: details and the invoice, but no payment form and no cancel button.
    expect(purchasePage.status).toBe(200);
    expect(purchasePage.text).toContain(`<h1>Purchase ${invoiceNumber}</h1>`);
    const text = visible(purchasePage.text);
    expect(text).toContain('Pending payment');
    expect(text).toContain('Amount $750.00 Paid $0.00 Balance due $750.00');
    expect(text).toContain('No payments yet.');
    expect(purchasePage.text).toContain(`<a class="button-link secondary" href="/console/purchases/${id}/invoice">Invoice</a>`);
    expect(purchasePage.text).not.toContain('Record a payment');
    expect(purchasePage.text).not.toContain(`/console/purchases/${id}/payments`);
    expect(purchasePage.text).not.toContain('Cancel purchase');

    const invoice = await agent.agent.get(`/console/purchases/${id}/invoice`);
    expect(invoice.status).toBe(200);
    expect(invoice.headers['content-type']).toMatch(/^text\/html/);
    expect(invoice.text).toContain(invoiceNumber);
    expect(invoice.text).toContain('Sellwell Ltd');

    const account = await agent.agent.get(`/console/accounts/${acc.id}`);
    expect(account.text).toContain(`<a href="/console/purchases/${id}">${invoiceNumber}</a>`);
    expect(visible(account.text)).toContain(`${invoiceNumber} Buy 5 get 6 × 2 (12 points) $750.00 $0.00 Pending payment`);
  });

  it('refuses a sale with bad input next to the field, writing nothing', async () => {
    const acc = await makeAccount(t);
    const cases: [Record<string, string>, string, string][] = [
      [{ bundleId: '', quantity: '1' }, 'sell-bundle', 'Choose a bundle from the list'],
      [{ bundleId: '999999', quantity: '1' }, 'sell-bundle', 'Choose a bundle from the list'],
      [{ bundleId, quantity: 'two' }, 'sell-quantity', 'Quantity must be a whole number from 1 to 100'],
      [{ bundleId, quantity: '101' }, 'sell-quantity', 'Quantity must be a whole number from 1 to 100'],
    ];
    for (const [form, field, message] of cases) {
      const res = await agent.post(`/console/accounts/${acc.id}/purchases`, form);
      expect({ form, status: res.status }).toEqual({ form, status: 422 });
      expect({ form, error: fieldError(res.text, field) }).toEqual({ form, error: message });
      expect(res.text).toContain('<h3 id="sell-heading">Sell a bundle</h3>');
    }
    const off = await request(t.http).post('/api/bundles').set(t.admin.auth)
      .send({ code: `off-${tag()}`, name: 'Old bundle', paidIncidents: 1, bonusIncidents: 0, priceCents: 7500, availableUntil: '2020-01-01' });
    expect(off.status).toBe(201);
    const notOnSale = await agent.post(`/console/accounts/${acc.id}/purchases`, { bundleId: off.body.id, quantity: '1' });
    expect(notOnSale.status).toBe(422);
    expect(fieldError(notOnSale.text, 'sell-bundle')).toBe('This bundle is not on sale today; choose another');
    expect(await purchaseCount(acc.id)).toBe(0);

    // A closed account has nothing to sell: no form, and a forged post is refused.
    await request(t.http).post(`/api/accounts/${acc.id}/close`).set(t.admin.auth).send({ reason: 'went elsewhere' }).expect(200);
    const closedPage = await agent.agent.get(`/console/accounts/${acc.id}`);
    expect(visible(closedPage.text)).toContain('This account is closed, so nothing can be sold to it.');
    expect(closedPage.text).not.toContain('Sell bundle</button>');
    const closed = await agent.post(`/console/accounts/${acc.id}/purchases`, { bundleId, quantity: '1' });
    expect(closed.status).toBe(422);
    expect(formAlert(closed.text)).toBe(`account ${acc.id} is closed`);
    expect(await purchaseCount(acc.id)).toBe(0);
  });

  it('lets a manager record a partial and then a full payment: the points arrive with the last one', async () => {
    const acc = await makeAccount(t, { name: 'Paywell Inc' });
    const { id } = await sell(acc.id);
    const { invoiceNumber } = await purchaseApi(id);

    const page = await manager.agent.get(`/console/purchases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="payment-heading">Record a payment</h2>');
    expect(labels(page.text)).toEqual(expect.arrayContaining(['Amount (USD)', 'Method', 'Reference']));
    expect(page.text).toMatch(/<input id="payment-amount" name="amount"[^>]* value="375\.00"/);
    expect(page.text).toContain('<button type="submit">Record payment</button>');
    expect(page.text).toContain(`hx-confirm="Cancel purchase ${invoiceNumber} ($375.00)? No points are added for a cancelled purchase."`);

    // Part of it, by bank transfer; the same form sent twice (a double click) records it once.
    const formKey = /<input type="hidden" name="paymentKey" value="([0-9a-f-]{36})">/.exec(page.text)![1];
    const partial = { amount: '250.00', method: 'bank_transfer', reference: 'BANK-REF-118', paymentKey: formKey };
    const first = await manager.post(`/console/purchases/${id}/payments`, partial);
    expect((await manager.post(`/console/purchases/${id}/payments`, partial)).status).toBe(303);
    expect(await paymentCount(id)).toBe(1);
    const afterFirst = await followFlash(manager.agent, first);
    expect(afterFirst.flash).toBe('Payment of $250.00 recorded. $125.00 still due.');
    expect(await purchaseApi(id)).toMatchObject({ status: 'pending', paidCents: 25000, balanceDueCents: 12500 });
    expect(await balanceOf(t, acc.id)).toBe(0);
    expect(await ledgerRows(t, acc.id)).toEqual([]);
    const partText = visible(afterFirst.page.text);
    expect(partText).toContain('Amount $375.00 Paid $250.00 Balance due $125.00');
    expect(partText).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC \$250\.00 Bank transfer BANK-REF-118 Staff/);
    expect(afterFirst.page.text).toMatch(/<input id="payment-amount" name="amount"[^>]* value="125\.00"/);

    // More than is due: refused next to the amount, nothing recorded.
    const over = await manager.post(`/console/purchases/${id}/payments`, { amount: '200.00', method: 'cash', reference: '' });
    expect(over.status).toBe(422);
    expect(fieldError(over.text, 'payment-amount')).toBe('Amount is more than the $125.00 still due');
    expect(over.text).toMatch(/<input id="payment-amount" name="amount"[^>]* value="200\.00"[^>]* aria-invalid="true"/);
    for (const [amount, message] of [
      ['12.345', 'Amount must be an amount in USD such as 375.00'],
      ['', 'Amount is required'],
      ['0', 'Amount must be more than zero'],
      ['-5', 'Amount must be an amount in USD such as 375.00'],
    ]) {
      const bad = await manager.post(`/console/purchases/${id}/payments`, { amount, method: 'cash', reference: '' });
      expect({ amount, status: bad.status, error: fieldError(bad.text, 'payment-amount') }).toEqual({ amount, status: 422, error: message });
    }
    const badMethod = await manager.post(`/console/purchases/${id}/payments`, { amount: '1.00', method: 'barter', reference: '' });
    expect(badMethod.status).toBe(422);
    expect(fieldError(badMethod.text, 'payment-method')).toBe('Choose how the money was paid');
    expect(await paymentCount(id)).toBe(1);
    expect(await purchaseApi(id)).toMatchObject({ paidCents: 25000 });

    // The rest: paid, 6 points added, one purchase entry in the ledger.
    const last = await manager.post(`/console/purchases/${id}/payments`, { amount: '125', method: 'cash', reference: '' });
    const afterLast = await followFlash(manager.agent, last);
    expect(afterLast.flash).toBe('Payment of $125.00 recorded. Purchase paid: 6 points added.');
    expect(await purchaseApi(id)).toMatchObject({ status: 'paid', paidCents: 37500, balanceDueCents: 0, paidAt: expect.any(String) });
    expect(await balanceOf(t, acc.id)).toBe(6);
    expect(await ledgerRows(t, acc.id)).toEqual([{ kind: 'purchase', delta: 6 }]);
    const paidText = visible(afterLast.page.text);
    expect(paidText).toContain('Account balance 6 points');
    expect(paidText).toContain('Points 6 points, added to the balance');
    expect(paidText).toContain('Paid in full');
    expect(afterLast.page.text).toContain('<span class="badge badge-sent">Paid</span>');
    expect(afterLast.page.text).not.toContain('Record a payment');
    expect(afterLast.page.text).not.toContain('Cancel purchase');

    // Paid: another payment is refused with the reason, and nothing changes.
    const again = await manager.post(`/console/purchases/${id}/payments`, { amount: '1.00', method: 'cash', reference: '' });
    expect(again.status).toBe(422);
    expect(formAlert(again.text)).toBe(`purchase ${invoiceNumber} is paid; it takes no more payments`);
    expect(await paymentCount(id)).toBe(2);
    expect(await balanceOf(t, acc.id)).toBe(6);

    const account = await manager.agent.get(`/console/accounts/${acc.id}`);
    expect(visible(account.text)).toContain(`${invoiceNumber} Buy 5 get 6 × 1 (6 points) $375.00 $375.00 Paid`);
    expect(visible(account.text)).toMatch(/Balance 6 points/);
  });

  it('keeps agents away from payments and cancelling: no form, and a post is 403 that changes nothing', async () => {
    const acc = await makeAccount(t);
    const { id } = await sell(acc.id);
    const pay = await agent.post(`/console/purchases/${id}/payments`, { amount: '375.00', method: 'cash', reference: '' });
    expect(pay.status).toBe(403);
    expect(visible(pay.text)).toContain('This page is for managers and admins only');
    const cancel = await agent.post(`/console/purchases/${id}/cancel`, {});
    expect(cancel.status).toBe(403);
    expect(await purchaseApi(id)).toMatchObject({ status: 'pending', paidCents: 0 });
    expect(await paymentCount(id)).toBe(0);
    expect(await balanceOf(t, acc.id)).toBe(0);

    // Without the CSRF token even a manager's post is refused.
    const forged = await manager.agent.post(`/console/purchases/${id}/payments`).type('form').send({ amount: '375.00', method: 'cash' });
    expect(forged.status).toBe(403);
    expect(await paymentCount(id)).toBe(0);
  });

  it('lets a manager cancel a pending purchase after confirming (htmx) or by a plain form post', async () => {
    const acc = await makeAccount(t);
    const viaHtmx = (await sell(acc.id, manager)).id;
    const res = await manager.post(`/console/purchases/${viaHtmx}/cancel`, {}, { 'HX-Request': 'true' });
    expect(res.status).toBe(204);
    expect(res.headers['hx-redirect']).toBe(`/console/purchases/${viaHtmx}`);
    const { invoiceNumber } = await purchaseApi(viaHtmx);
    expect(await purchaseApi(viaHtmx)).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String) });
    const page = await manager.agent.get(`/console/purchases/${viaHtmx}`);
    expect(visible(page.text)).toContain(`Purchase ${invoiceNumber} cancelled. No points were added for it.`);
    expect(page.text).toContain('<span class="badge badge-inactive">Cancelled</span>');
    expect(page.text).not.toContain('Record a payment');

    const plain = (await sell(acc.id, manager)).id;
    await manager.post(`/console/purchases/${plain}/payments`, { amount: '100.00', method: 'check', reference: 'CHK 55' });
    const partPage = await manager.agent.get(`/console/purchases/${plain}`);
    expect(partPage.text).toContain('$100.00 already paid is not refunded automatically.');
    const cancelled = await followFlash(manager.agent, await manager.post(`/console/purchases/${plain}/cancel`, {}));
    expect(cancelled.flash).toMatch(/^Purchase INV-\d{6} cancelled\. No points were added for it\.$/);
    expect(await purchaseApi(plain)).toMatchObject({ status: 'cancelled' });

    // Cancelling twice: the reason, as an error message.
    const twice = await followFlash(manager.agent, await manager.post(`/console/purchases/${plain}/cancel`, {}));
    expect(twice.flash).toMatch(/^Not cancelled: purchase INV-\d{6} is cancelled$/);
    expect(await balanceOf(t, acc.id)).toBe(0);
  });

  it('answers 404 for a purchase that does not exist', async () => {
    for (const path of ['/console/purchases/999999', '/console/purchases/abc', '/console/purchases/999999/invoice']) {
      const res = await manager.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  describe('client users', () => {
    it('lets a manager invite a client user: flash, email with the link at the SMTP server, listed as pending', async () => {
      const acc = await makeAccount(t, { name: 'Invitees & Co' });
      const page = await manager.agent.get(`/console/accounts/${acc.id}`);
      expect(page.text).toContain('<h2 id="client-users-heading">Client users</h2>');
      expect(visible(page.text)).toContain('No client users yet.');
      expect(page.text).toContain('<h3 id="invite-heading">Invite a client user</h3>');
      expect(labels(page.text)).toEqual(expect.arrayContaining(['Name', 'Email']));
      expect(page.text).toContain('<button type="submit">Send invitation</button>');

      const email = `${tag()}@client.test`;
      const res = await manager.post(`/console/accounts/${acc.id}/invitations`, { name: 'Ivy Invitee', email });
      expect(res.headers.location).toBe(`/console/accounts/${acc.id}#client-users`);
      const { flash, page: after } = await followFlash(manager.agent, res);
      expect(flash).toMatch(new RegExp(`^Invitation sent to Ivy Invitee <${email.replace('.', '\\.')}>\\. The link in it works once, until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`));
      expect(visible(after.text)).toMatch(new RegExp(`Ivy Invitee Invitation pending ${email.replace('.', '\\.')} Invitation pending; the link works until`));

      await t.app.get(OutboxSender).drain();
      const mails = smtp.received.filter((m) => m.to.includes(email));
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe('Your invitation to the Pointdesk client portal for Invitees & Co');
      expect(mails[0].text).toMatch(/https:\/\/help\.acme\.example\/portal\/invitations\/[A-Za-z0-9_-]{43}/);
      expect(mails[0].text).toMatch(/Console manager \d+ has invited you/);
    });

    it('refuses bad input and an email in use next to the field; agents get no form and a 403', async () => {
      const acc = await makeAccount(t);
      const bad = await manager.post(`/console/accounts/${acc.id}/invitations`, { name: '', email: 'not-an-email' });
      expect(bad.status).toBe(422);
      expect(fieldError(bad.text, 'invite-name')).toBe('Name is required');
      expect(fieldError(bad.text, 'invite-email')).toBe('Email must be an email address such as jane@example.com');
      expect(bad.text).toContain('value="not-an-email"');

      const taken = await manager.post(`/console/accounts/${acc.id}/invitations`, { name: 'Staff Person', email: agent.email });
      expect(taken.status).toBe(422);
      expect(fieldError(taken.text, 'invite-email')).toBe('This email already belongs to a user who can sign in (staff, or a client who has a password)');

      const agentPage = await agent.agent.get(`/console/accounts/${acc.id}`);
      expect(agentPage.text).toContain('Client users');
      expect(agentPage.text).not.toContain('Invite a client user');
      const forbidden = await agent.post(`/console/accounts/${acc.id}/invitations`, { name: 'Sneaky', email: `${tag()}@client.test` });
      expect(forbidden.status).toBe(403);
      const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM users WHERE role = 'client' AND account_id = ?", [Number(acc.id)]);
      expect(Number(n)).toBe(0);
    });
  });
});
