/*
 * API.md "Bundles and purchases" (purchase part): price and points fixed at
 * creation, sequential unique invoice numbers, pending → paid | cancelled,
 * partial payments, one `purchase` entry exactly when fully paid, the
 * receipt through the outbox (read at a real SMTP server), enrolment,
 * overpaying 400, paying a cancelled or paid purchase 409, idempotent
 * payments, and a client seeing only its own purchases.
 */
import request from 'supertest';
import { balanceOf, grant, makeAccount } from '../factories';
import { auditOf, expectNothingWritten, messageOf } from '../factories/db';
import { drain } from '../factories/outbox';
import { buy5get6Id, makePurchase, payPurchase } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

describe('purchases and payments', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let bundleId: string;
  let agent: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, COMPANY_NAME: 'Acme Support Co', PUBLIC_URL: 'https://help.acme.test' } });
    bundleId = await buy5get6Id(t);
    agent = await t.user('agent');
    manager = await t.user('manager');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const ledger = async (accountId: string) =>
    (await request(t.http).get(`/api/accounts/${accountId}/points`).set(t.admin.auth)).body.items as
      { kind: string; delta: number; purchaseId: string | null; reason: string; actorId: string | null }[];

  it('fixes price, currency and points at creation, with sequential invoice numbers', async () => {
    const a = await makeAccount(t);
    const first = await request(t.http).post(`/api/accounts/${a.id}/purchases`).set(agent.auth).send({ bundleId, quantity: 2 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      accountId: a.id, bundleId, description: 'Buy 5 get 6', quantity: 2, points: 12, amountCents: 75000, paidCents: 0,
      balanceDueCents: 75000, currency: 'USD', status: 'pending', paidAt: null, cancelledAt: null,
    });
    expect(typeof first.body.id).toBe('string');
    expect(first.body.invoiceNumber).toMatch(/^INV-\d{6}$/);
    const second = await makePurchase(t, a.id, { bundleId });
    expect(Number(second.invoiceNumber.slice(4))).toBe(Number(first.body.invoiceNumber.slice(4)) + 1);

    // A later price change leaves the purchase as sold.
    expect((await request(t.http).patch(`/api/bundles/${bundleId}`).set(manager.auth).send({ priceCents: 40000, name: 'Five plus one' })).status).toBe(200);
    const again = await request(t.http).get(`/api/purchases/${first.body.id}`).set(agent.auth);
    expect(again.body).toMatchObject({ amountCents: 75000, description: 'Buy 5 get 6', points: 12, payments: [] });
    expect((await request(t.http).patch(`/api/bundles/${bundleId}`).set(manager.auth).send({ priceCents: 37500, name: 'Buy 5 get 6' })).status).toBe(200);

    const list = await request(t.http).get(`/api/accounts/${a.id}/purchases`).set(agent.auth);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([second.id, first.body.id]);
  });

  it('refuses a bundle that is not on sale (409), an unknown one (404), a closed account (409) and bad input (400 naming the field)', async () => {
    const a = await makeAccount(t);
    const off = await request(t.http).post('/api/bundles').set(manager.auth)
      .send({ code: `off-${a.id}`, name: 'Next year', paidIncidents: 1, bonusIncidents: 0, priceCents: 100, availableFrom: '2999-01-01' });
    expect(off.status).toBe(201);
    const inactive = await request(t.http).post('/api/bundles').set(manager.auth)
      .send({ code: `gone-${a.id}`, name: 'Gone', paidIncidents: 1, bonusIncidents: 0, priceCents: 100 });
    await request(t.http).patch(`/api/bundles/${inactive.body.id}`).set(manager.auth).send({ active: false });

    await expectNothingWritten(t, async () => {
      const buy = (body: object) => request(t.http).post(`/api/accounts/${a.id}/purchases`).set(agent.auth).send(body);
      expect((await buy({ bundleId: off.body.id })).status).toBe(409);
      expect((await buy({ bundleId: inactive.body.id })).status).toBe(409);
      expect((await buy({ bundleId: '999999' })).status).toBe(404);
      expect((await buy({ bundleId: 'nope' })).status).toBe(404);
      for (const [body, field] of [[{ bundleId, quantity: 0 }, 'quantity'], [{ bundleId, quantity: 101 }, 'quantity'],
        [{ bundleId, quantity: 1.5 }, 'quantity'], [{}, 'bundleId'], [{ bundleId, price: 1 }, 'price']] as const) {
        const res = await buy(body);
        expect(res.status).toBe(400);
        expect(messageOf(res.body)).toContain(field);
      }
      expect((await request(t.http).post('/api/accounts/999999/purchases').set(agent.auth).send({ bundleId })).status).toBe(404);
    });
    // A free bundle has nothing to pay for: no purchase that could never be completed.
    const free = await request(t.http).post('/api/bundles').set(manager.auth)
      .send({ code: `free-${a.id}`, name: 'On the house', paidIncidents: 1, bonusIncidents: 0, priceCents: 0 });
    const freeBuy = await request(t.http).post(`/api/accounts/${a.id}/purchases`).set(agent.auth).send({ bundleId: free.body.id });
    expect(freeBuy.status).toBe(409);
    expect(freeBuy.body.message).toMatch(/no price/);
    await request(t.http).post(`/api/accounts/${a.id}/close`).set(manager.auth).send({ reason: 'moved away' });
    const closed = await request(t.http).post(`/api/accounts/${a.id}/purchases`).set(agent.auth).send({ bundleId });
    expect(closed.status).toBe(409);
  });

  it('credits the points once, when partial payments reach the amount; receipt to every contact, account enrolled', async () => {
    const a = await makeAccount(t, {
      name: 'Partial & Sons',
      contacts: [
        { name: 'Pat Payer', email: `pat.${process.pid}@client.test` },
        { name: 'Quinn Quill', email: `quinn.${process.pid}@client.test` },
      ],
    });
    await grant(t, a.id, 2);
    const p = await makePurchase(t, a.id, { bundleId });

    const part = await payPurchase(t, p.id, 12500, { as: manager, reference: 'wire 1' });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ status: 'pending', paidCents: 12500, balanceDueCents: 25000, paidAt: null });
    expect(await balanceOf(t, a.id)).toBe(2);
    expect((await ledger(a.id)).filter((e) => e.kind === 'purchase')).toHaveLength(0);
    expect((await request(t.http).get(`/api/accounts/${a.id}`).set(agent.auth)).body.policyStatus).toBe('legacy');

    const rest = await payPurchase(t, p.id, 25000, { as: manager, method: 'check', reference: 'check 77' });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ status: 'paid', paidCents: 37500, balanceDueCents: 0 });
    expect(rest.body.paidAt).not.toBeNull();
    expect(await balanceOf(t, a.id)).toBe(8);
    const purchaseEntries = (await ledger(a.id)).filter((e) => e.kind === 'purchase');
    expect(purchaseEntries).toEqual([expect.objectContaining({ delta: 6, purchaseId: p.id, actorId: manager.id })]);
    expect(purchaseEntries[0].reason).toContain(p.invoiceNumber);
    expect((await request(t.http).get(`/api/accounts/${a.id}`).set(agent.auth)).body.policyStatus).toBe('enrolled');

    const detail = await request(t.http).get(`/api/purchases/${p.id}`).set(agent.auth);
    expect(detail.body.payments).toEqual([
      expect.objectContaining({ amountCents: 12500, method: 'bank_transfer', reference: 'wire 1', actorId: manager.id }),
      expect.objectContaining({ amountCents: 25000, method: 'check', reference: 'check 77', actorId: manager.id }),
    ]);
    const audit = await auditOf(t, 'purchase', p.id);
    expect(audit.filter((e) => e.action === 'purchase.payment')).toHaveLength(2);
    expect((await auditOf(t, 'account', a.id)).some((e) => e.action === 'account.enrol' && e.reason?.includes(p.invoiceNumber))).toBe(true);

    const receipts = (await request(t.http).get(`/api/notifications?accountId=${a.id}&kind=purchase_receipt`).set(t.admin.auth)).body;
    expect(receipts.total).toBe(2);
    await drain(t);
    const mails = smtp.received.filter((m) => m.subject.includes(p.invoiceNumber));
    expect(mails.map((m) => m.to[0]).sort()).toEqual([`pat.${process.pid}@client.test`, `quinn.${process.pid}@client.test`]);
    const pat = mails.find((m) => m.to[0].startsWith('pat.'))!;
    expect(pat.subject).toBe(`Receipt for ${p.invoiceNumber}: 6 support points added`);
    expect(pat.text).toContain('Dear Pat Payer');
    expect(pat.text).toContain('$375.00');
    expect(pat.text).toContain('The balance is now 8 points.');
    expect(pat.text).toContain(`https://help.acme.test/portal/purchases/${p.id}/invoice`);
    expect(pat.html).toContain('Partial &amp; Sons');
    await expectLedgerInvariants(t.dataSource);
  });

  it('refuses overpaying (400), paying a paid or cancelled purchase (409) and agents (403), writing nothing', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    await expectNothingWritten(t, async () => {
      const over = await payPurchase(t, p.id, 37501);
      expect(over.status).toBe(400);
      expect(messageOf(over.body)).toContain('amountCents');
      expect((await payPurchase(t, p.id, 100, { as: agent })).status).toBe(403);
      for (const [body, field] of [[{ amountCents: 0, method: 'cash' }, 'amountCents'], [{ amountCents: 10, method: 'bitcoin' }, 'method'],
        [{ amountCents: '10', method: 'cash' }, 'amountCents'], [{ amountCents: 10, method: 'cash', reference: 'x'.repeat(201) }, 'reference']] as const) {
        const res = await request(t.http).post(`/api/purchases/${p.id}/payments`).set(manager.auth).send(body);
        expect(res.status).toBe(400);
        expect(messageOf(res.body)).toContain(field);
      }
      expect((await payPurchase(t, '999999', 100)).status).toBe(404);
    });
    expect((await payPurchase(t, p.id, 37500)).body.status).toBe('paid');
    await expectNothingWritten(t, async () => {
      const again = await payPurchase(t, p.id, 1);
      expect(again.status).toBe(409);
      expect((await request(t.http).post(`/api/purchases/${p.id}/cancel`).set(manager.auth)).status).toBe(409);
    });

    const c = await makePurchase(t, a.id, { bundleId });
    expect((await request(t.http).post(`/api/purchases/${c.id}/cancel`).set(manager.auth)).body.status).toBe('cancelled');
    await expectNothingWritten(t, async () => {
      expect((await payPurchase(t, c.id, 100)).status).toBe(409);
    });
    expect(await balanceOf(t, a.id)).toBe(6);
  });

  it('replays an idempotent payment without paying twice; the same key with another body is 409', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const key = `pay-${p.id}`;
    const first = await payPurchase(t, p.id, 37500, { as: manager, key });
    const replay = await payPurchase(t, p.id, 37500, { as: manager, key });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect((await payPurchase(t, p.id, 100, { as: manager, key })).status).toBe(409);
    expect(await balanceOf(t, a.id)).toBe(6);
    expect((await request(t.http).get(`/api/purchases/${p.id}`).set(agent.auth)).body.payments).toHaveLength(1);
  });

  it('lets a client buy, see and cancel its own purchases only', async () => {
    const mine = await makeAccount(t);
    const theirs = await makeAccount(t);
    const client = await t.user('client', mine.id);
    const p = await makePurchase(t, mine.id, { bundleId }, client);
    const other = await makePurchase(t, theirs.id, { bundleId });

    expect((await request(t.http).get(`/api/purchases/${p.id}`).set(client.auth)).status).toBe(200);
    expect((await request(t.http).get(`/api/accounts/${mine.id}/purchases`).set(client.auth)).body.total).toBe(1);
    await expectNothingWritten(t, async () => {
      expect((await request(t.http).get(`/api/purchases/${other.id}`).set(client.auth)).status).toBe(404);
      expect((await request(t.http).get(`/api/purchases/${other.id}/invoice`).set(client.auth)).status).toBe(404);
      expect((await request(t.http).get(`/api/accounts/${theirs.id}/purchases`).set(client.auth)).status).toBe(404);
      expect((await request(t.http).post(`/api/accounts/${theirs.id}/purchases`).set(client.auth).send({ bundleId })).status).toBe(404);
      expect((await request(t.http).post(`/api/purchases/${other.id}/cancel`).set(client.auth)).status).toBe(404);
      expect((await request(t.http).post(`/api/purchases/${other.id}/checkout`).set(client.auth)).status).toBe(404);
      expect((await payPurchase(t, p.id, 100, { as: client })).status).toBe(403);
    });

    // While something is paid the client can no longer cancel; a manager still can.
    const partly = await makePurchase(t, mine.id, { bundleId }, client);
    await payPurchase(t, partly.id, 100);
    expect((await request(t.http).post(`/api/purchases/${partly.id}/cancel`).set(client.auth)).status).toBe(409);
    const cancelled = await request(t.http).post(`/api/purchases/${p.id}/cancel`).set(client.auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', balanceDueCents: 0 });
    expect(cancelled.body.cancelledAt).not.toBeNull();
    expect((await request(t.http).post(`/api/purchases/${p.id}/cancel`).set(client.auth)).status).toBe(409);
    expect((await request(t.http).post(`/api/purchases/${partly.id}/cancel`).set(agent.auth)).status).toBe(403);
    expect((await request(t.http).post(`/api/purchases/${partly.id}/cancel`).set(manager.auth)).body.status).toBe('cancelled');
  });

  it('renders a printable invoice: seller, buyer, number, lines, totals, paid and balance due', async () => {
    const a = await makeAccount(t, { name: 'Invoice <b>Bold</b> & Co', contacts: [{ name: 'Ivy Ink', email: `ivy.${process.pid}@client.test` }] });
    const p = await makePurchase(t, a.id, { bundleId, quantity: 2 });
    await payPurchase(t, p.id, 20000, { reference: 'first <part>' });
    const res = await request(t.http).get(`/api/purchases/${p.id}/invoice`).set(agent.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.text;
    expect(html).toContain(`Invoice ${p.invoiceNumber}`);
    expect(html).toContain('Acme Support Co');
    expect(html).toContain('Invoice &lt;b&gt;Bold&lt;/b&gt; &amp; Co');
    expect(html).not.toContain('<b>Bold</b>');
    expect(html).toContain('first &lt;part&gt;');
    expect(html).toContain('Ivy Ink');
    expect(html).toContain('$375.00'); // unit price
    expect(html).toContain('$750.00'); // total
    expect(html).toContain('$200.00'); // paid
    expect(html).toContain('$550.00'); // balance due
    expect(html).toContain('Awaiting payment');
  });
});

describe('invoice numbers and payments under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gives 30 purchases created at once 30 distinct, consecutive invoice numbers', async () => {
    const bundleId = await buy5get6Id(t);
    const accounts = await Promise.all(Array.from({ length: 3 }, () => makeAccount(t)));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      request(t.http).post(`/api/accounts/${accounts[i % 3].id}/purchases`).set(t.admin.auth).send({ bundleId })));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    const numbers = results.map((r) => Number(r.body.invoiceNumber.slice(4))).sort((x, y) => x - y);
    expect(new Set(numbers).size).toBe(30);
    expect(numbers[29] - numbers[0]).toBe(29);
  });

  it('credits the points once when two payments that together complete a purchase arrive at the same moment', async () => {
    const bundleId = await buy5get6Id(t);
    for (let round = 0; round < 5; round++) {
      const a = await makeAccount(t);
      const p = await makePurchase(t, a.id, { bundleId });
      const [x, y] = await Promise.all([payPurchase(t, p.id, 20000), payPurchase(t, p.id, 17500)]);
      expect([x.status, y.status]).toEqual([200, 200]);
      expect([x.body.status, y.body.status].sort()).toEqual(['paid', 'pending']);
      expect(await balanceOf(t, a.id)).toBe(6);
      const [row] = await t.dataSource.query("SELECT COUNT(*) AS n FROM ledger_entries WHERE purchase_id = ? AND kind = 'purchase'", [Number(p.id)]);
      expect(Number(row.n)).toBe(1);
    }
  });

  it('lets exactly one of ten simultaneous full payments through; the rest are refused and nothing is paid twice', async () => {
    const bundleId = await buy5get6Id(t);
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const results = await Promise.all(Array.from({ length: 10 }, () => payPurchase(t, p.id, 37500)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // Each loser saw either the amount already covered (400) or the purchase already paid (409).
    expect(statuses.every((s) => s === 200 || s === 400 || s === 409)).toBe(true);
    expect(await balanceOf(t, a.id)).toBe(6);
    const detail = await request(t.http).get(`/api/purchases/${p.id}`).set(t.admin.auth);
    expect(detail.body).toMatchObject({ status: 'paid', paidCents: 37500 });
    expect(detail.body.payments).toHaveLength(1);
    await expectLedgerInvariants(t.dataSource);
  });
});
