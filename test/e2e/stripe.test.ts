/*
 * Card payments with Stripe, offline: Checkout sessions are created against
 * a local stand-in for Stripe's API (the SDK pointed at it with
 * STRIPE_API_URL), and webhooks are signed with the SDK's own test-header
 * helper. The signature is checked on the raw body; each event id and each
 * payment intent is recorded once, so replays and out-of-order events are
 * harmless; a bad signature is 400 and changes nothing.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import request from 'supertest';
import { balanceOf, makeAccount } from '../factories';
import { expectNothingWritten } from '../factories/db';
import { buy5get6Id, makePurchase, payPurchase, PurchaseBody } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp } from '../helpers/test-app';

const SECRET_KEY = 'sk_test_pointdesk_offline';
const WEBHOOK_SECRET = 'whsec_pointdesk_offline_secret';
const signer = new Stripe(SECRET_KEY);

interface FakeStripe {
  url: string;
  requests: { path: string; auth: string | undefined; form: URLSearchParams }[];
  close(): Promise<void>;
}

/** Answers POST /v1/checkout/sessions the way Stripe does, and remembers what it was asked. */
async function startFakeStripe(): Promise<FakeStripe> {
  const requests: FakeStripe['requests'] = [];
  let n = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', auth: req.headers.authorization, form: new URLSearchParams(body) });
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_${++n}`;
        res.end(JSON.stringify({ id, object: 'checkout.session', url: `https://checkout.example.test/pay/${id}`, payment_status: 'unpaid' }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'unknown' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let eventSeq = 0;

/** A Checkout Session event as Stripe sends it. */
function sessionEvent(p: PurchaseBody, opts: { type?: string; paymentStatus?: string; amount?: number; intent?: string; id?: string } = {}) {
  return {
    id: opts.id ?? `evt_test_${process.pid}_${++eventSeq}`,
    object: 'event',
    type: opts.type ?? 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_test_for_${p.id}`, object: 'checkout.session', client_reference_id: p.id, metadata: { purchaseId: p.id, invoiceNumber: p.invoiceNumber },
        amount_total: opts.amount ?? p.amountCents - p.paidCents, currency: p.currency.toLowerCase(),
        payment_status: opts.paymentStatus ?? 'paid', payment_intent: opts.intent ?? `pi_test_for_${p.id}`,
      },
    },
  };
}

describe('Stripe card payments', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let bundleId: string;
  beforeAll(async () => {
    fake = await startFakeStripe();
    t = await startTestApp({
      env: { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url, PUBLIC_URL: 'https://help.acme.test' },
    });
    bundleId = await buy5get6Id(t);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const deliver = (event: object, sign: { secret?: string; tamper?: (s: string) => string } = {}) => {
    const payload = JSON.stringify(event);
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: sign.secret ?? WEBHOOK_SECRET });
    return request(t.http).post('/api/webhooks/stripe').set('Stripe-Signature', header)
      .set('Content-Type', 'application/json; charset=utf-8').send(sign.tamper ? sign.tamper(payload) : payload);
  };
  const payments = async (id: string) => (await request(t.http).get(`/api/purchases/${id}`).set(t.admin.auth)).body.payments as
    { amountCents: number; method: string; reference: string; actorId: string | null }[];

  it('creates a Checkout session for what is still due and returns its URL', async () => {
    const a = await makeAccount(t, { contacts: [{ name: 'Cara Card', email: `cara.${process.pid}@client.test` }] });
    const client = await t.user('client', a.id);
    const p = await makePurchase(t, a.id, { bundleId }, client);
    await payPurchase(t, p.id, 10000);

    const res = await request(t.http).post(`/api/purchases/${p.id}/checkout`).set(client.auth);
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/^https:\/\/checkout\.example\.test\/pay\/cs_test_\d+$/);
    expect(res.body.sessionId).toMatch(/^cs_test_/);
    const sent = fake.requests.at(-1)!;
    expect(sent.auth).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent.form.get('mode')).toBe('payment');
    expect(sent.form.get('line_items[0][price_data][unit_amount]')).toBe('27500');
    expect(sent.form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(sent.form.get('metadata[purchaseId]')).toBe(p.id);
    expect(sent.form.get('client_reference_id')).toBe(p.id);
    expect(sent.form.get('customer_email')).toBe(`cara.${process.pid}@client.test`);
    expect(sent.form.get('success_url')).toBe(`https://help.acme.test/portal/purchases/${p.id}?card=paid`);

    await payPurchase(t, p.id, 27500);
    expect((await request(t.http).post(`/api/purchases/${p.id}/checkout`).set(client.auth)).status).toBe(409);
  });

  it("lets the portal's pay-by-card form redirect to Stripe Checkout under the CSP", async () => {
    const csp = (await request(t.http).get('/portal/login')).headers['content-security-policy'];
    expect(csp).toContain("form-action 'self' https://checkout.stripe.com");
  });

  it('records a paid session once: the purchase is paid and its points credited; a replay changes nothing', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const event = sessionEvent(p);
    const first = await deliver(event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, duplicate: false });
    const after = (await request(t.http).get(`/api/purchases/${p.id}`).set(t.admin.auth)).body;
    expect(after).toMatchObject({ status: 'paid', paidCents: 37500 });
    expect(after.payments).toEqual([expect.objectContaining({ amountCents: 37500, method: 'card', reference: `pi_test_for_${p.id}`, actorId: null })]);
    expect(await balanceOf(t, a.id)).toBe(6);
    expect((await request(t.http).get(`/api/accounts/${a.id}`).set(t.admin.auth)).body.policyStatus).toBe('enrolled');

    await expectNothingWritten(t, async () => {
      const replay = await deliver(event);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ received: true, duplicate: true });
    });
    expect(await balanceOf(t, a.id)).toBe(6);
  });

  it('records one payment when the events for it arrive twice, out of order or at the same moment', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    // Async payment methods: first "completed" while still unpaid, then "succeeded" — delivered in reverse.
    const succeeded = await deliver(sessionEvent(p, { type: 'checkout.session.async_payment_succeeded' }));
    const completedUnpaid = await deliver(sessionEvent(p, { paymentStatus: 'unpaid' }));
    const completedPaid = await deliver(sessionEvent(p));
    expect([succeeded.status, completedUnpaid.status, completedPaid.status]).toEqual([200, 200, 200]);
    expect(await payments(p.id)).toHaveLength(1);
    expect(await balanceOf(t, a.id)).toBe(6);

    const b = await makeAccount(t);
    const q = await makePurchase(t, b.id, { bundleId });
    const event = sessionEvent(q);
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? deliver(event) : deliver(sessionEvent(q)))));
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await payments(q.id)).toHaveLength(1);
    expect(await balanceOf(t, b.id)).toBe(6);
    await expectLedgerInvariants(t.dataSource);
  });

  it('ignores events that report no money, and money it cannot apply, without failing the delivery', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    expect((await deliver(sessionEvent(p, { paymentStatus: 'unpaid' }))).status).toBe(200);
    expect((await deliver({ ...sessionEvent(p), type: 'checkout.session.expired' })).status).toBe(200);
    expect((await deliver(sessionEvent(p, { amount: 99_999 }))).status).toBe(200); // more than is due
    expect((await deliver(sessionEvent({ ...p, id: '999999' }))).status).toBe(200); // no such purchase
    expect(await payments(p.id)).toHaveLength(0);
    expect(await balanceOf(t, a.id)).toBe(0);
  });

  it('answers 400 to a bad, missing or stale signature and changes nothing', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    await expectNothingWritten(t, async () => {
      expect((await deliver(sessionEvent(p), { secret: 'whsec_someone_else' })).status).toBe(400);
      const tampered = await deliver(sessionEvent(p, { amount: 100 }), { tamper: (s) => s.replace('"amount_total":100', '"amount_total":37500') });
      expect(tampered.status).toBe(400);
      const unsigned = await request(t.http).post('/api/webhooks/stripe').set('Content-Type', 'application/json').send(JSON.stringify(sessionEvent(p)));
      expect(unsigned.status).toBe(400);
      expect(unsigned.body.message).toMatch(/Stripe-Signature/);
      const payload = JSON.stringify(sessionEvent(p));
      const old = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
      const stale = await request(t.http).post('/api/webhooks/stripe').set('Stripe-Signature', old).set('Content-Type', 'application/json').send(payload);
      expect(stale.status).toBe(400);
    });
  });
});

describe('without Stripe configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses card checkout and webhooks with 409, and pay-by-invoice still works', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId: await buy5get6Id(t) });
    const checkout = await request(t.http).post(`/api/purchases/${p.id}/checkout`).set(t.admin.auth);
    expect(checkout.status).toBe(409);
    expect(checkout.body.message).toMatch(/not set up/);
    const hook = await request(t.http).post('/api/webhooks/stripe').set('Stripe-Signature', 't=1,v1=x').send({ id: 'evt_1' });
    expect(hook.status).toBe(409);
    expect((await payPurchase(t, p.id, 37500)).body.status).toBe('paid');
    const csp = (await request(t.http).get('/portal/login')).headers['content-security-policy'];
    expect(csp).toMatch(/form-action 'self'(;|$)/);
  });
});
