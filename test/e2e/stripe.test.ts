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
import { auditOf, expectNothingWritten } from '../factories/db';
import { buy5get6Id, makePurchase, payPurchase } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

const SECRET_KEY = 'sk_test_pointdesk_offline';
const WEBHOOK_SECRET = 'whsec_pointdesk_offline_secret';
const signer = new Stripe(SECRET_KEY);

interface FakeSession {
  id: string;
  status: 'open' | 'complete' | 'expired';
  amount: number;
  purchaseId: string;
}

interface FakeStripe {
  url: string;
  requests: { method: string; path: string; auth: string | undefined; form: URLSearchParams }[];
  sessions: Map<string, FakeSession>;
  close(): Promise<void>;
}

/** Answers the Checkout Session calls the way Stripe does (create, expire, retrieve), and remembers what it was asked. */
async function startFakeStripe(): Promise<FakeStripe> {
  const requests: FakeStripe['requests'] = [];
  const sessions = new Map<string, FakeSession>();
  let n = 0;
  const json = (res: import('node:http').ServerResponse, status: number, body: object) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const sessionBody = (x: FakeSession) => ({
    id: x.id, object: 'checkout.session', url: `https://checkout.example.test/pay/${x.id}`, status: x.status,
    expires_at: Math.floor(Date.now() / 1000) + 24 * 3600, amount_total: x.amount,
  });
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      requests.push({ method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization, form });
      const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(req.url ?? '');
      const one = /^\/v1\/checkout\/sessions\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const x: FakeSession = {
          id: `cs_test_${++n}`, status: 'open', amount: Number(form.get('line_items[0][price_data][unit_amount]')), purchaseId: form.get('metadata[purchaseId]') ?? '',
        };
        sessions.set(x.id, x);
        return json(res, 200, sessionBody(x));
      }
      if (req.method === 'POST' && expire && sessions.has(expire[1])) {
        const x = sessions.get(expire[1])!;
        if (x.status !== 'open') return json(res, 400, { error: { type: 'invalid_request_error', message: 'Only Checkout Sessions with a status in ["open"] can be expired.' } });
        x.status = 'expired';
        return json(res, 200, sessionBody(x));
      }
      if (req.method === 'GET' && one && sessions.has(one[1])) return json(res, 200, sessionBody(sessions.get(one[1])!));
      return json(res, 404, { error: { type: 'invalid_request_error', message: 'No such checkout session' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests, sessions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let eventSeq = 0;

/** A Checkout Session event as Stripe sends it, for a session (by default paid in full). */
function sessionEvent(session: { id: string; amount: number; purchaseId: string }, opts: { type?: string; paymentStatus?: string; amount?: number; id?: string } = {}) {
  return {
    id: opts.id ?? `evt_test_${process.pid}_${++eventSeq}`,
    object: 'event',
    type: opts.type ?? 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: session.id, object: 'checkout.session', client_reference_id: session.purchaseId, metadata: { purchaseId: session.purchaseId },
        amount_total: opts.amount ?? session.amount, currency: 'usd',
        payment_status: opts.paymentStatus ?? 'paid', payment_intent: `pi_for_${session.id}`,
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
  /** Opens a Checkout session for the purchase through the API (as the admin unless `as`); the fake's record of it. */
  const openCheckout = async (purchaseId: string, as?: TestUser) => {
    const res = await request(t.http).post(`/api/purchases/${purchaseId}/checkout`).set((as ?? t.admin).auth);
    if (res.status !== 200) throw new Error(`checkout: ${res.status} ${JSON.stringify(res.body)}`);
    return fake.sessions.get(res.body.sessionId)!;
  };
  const payments = async (id: string) => (await request(t.http).get(`/api/purchases/${id}`).set(t.admin.auth)).body.payments as
    { amountCents: number; method: string; reference: string; actorId: string | null; applied: boolean }[];

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
    const event = sessionEvent(await openCheckout(p.id));
    const first = await deliver(event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, duplicate: false });
    const after = (await request(t.http).get(`/api/purchases/${p.id}`).set(t.admin.auth)).body;
    expect(after).toMatchObject({ status: 'paid', paidCents: 37500 });
    expect(after.payments).toEqual([expect.objectContaining({
      amountCents: 37500, method: 'card', reference: `pi_for_${event.data.object.id}`, actorId: null, applied: true,
    })]);
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
    const s = await openCheckout(p.id);
    // Async payment methods: first "completed" while still unpaid, then "succeeded" — delivered in reverse.
    const succeeded = await deliver(sessionEvent(s, { type: 'checkout.session.async_payment_succeeded' }));
    const completedUnpaid = await deliver(sessionEvent(s, { paymentStatus: 'unpaid' }));
    const completedPaid = await deliver(sessionEvent(s));
    expect([succeeded.status, completedUnpaid.status, completedPaid.status]).toEqual([200, 200, 200]);
    expect(await payments(p.id)).toHaveLength(1);
    expect(await balanceOf(t, a.id)).toBe(6);

    const b = await makeAccount(t);
    const q = await makePurchase(t, b.id, { bundleId });
    const qs = await openCheckout(q.id);
    const event = sessionEvent(qs);
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? deliver(event) : deliver(sessionEvent(qs)))));
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await payments(q.id)).toHaveLength(1);
    expect(await balanceOf(t, b.id)).toBe(6);
    await expectLedgerInvariants(t.dataSource);
  });

  it('books only sessions it opened: events reporting no money or from another integration change nothing', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const s = await openCheckout(p.id);
    expect((await deliver(sessionEvent(s, { paymentStatus: 'unpaid' }))).status).toBe(200);
    expect((await deliver({ ...sessionEvent(s), type: 'checkout.session.expired' })).status).toBe(200);
    // A web shop on the same Stripe account, whose order happens to carry this purchase's id.
    expect((await deliver(sessionEvent({ id: 'cs_webshop_1', amount: 1999, purchaseId: p.id }))).status).toBe(200);
    expect(await payments(p.id)).toHaveLength(0);
    expect((await request(t.http).get(`/api/purchases/${p.id}`).set(t.admin.auth)).body).toMatchObject({ status: 'pending', paidCents: 0 });
    expect(await balanceOf(t, a.id)).toBe(0);
  });

  it('keeps card money the purchase can no longer take as a payment not applied, for a refund, and never credits twice', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const s = await openCheckout(p.id);
    // Meanwhile the client also paid by bank transfer, recorded by a manager.
    expect((await payPurchase(t, p.id, 37500, { reference: 'wire' })).body.status).toBe('paid');
    expect((await deliver(sessionEvent(s))).status).toBe(200);
    const after = (await request(t.http).get(`/api/purchases/${p.id}`).set(t.admin.auth)).body;
    expect(after).toMatchObject({ status: 'paid', paidCents: 37500 });
    expect(after.payments).toEqual([
      expect.objectContaining({ method: 'bank_transfer', applied: true }),
      expect.objectContaining({ method: 'card', amountCents: 37500, applied: false, reference: `pi_for_${s.id}` }),
    ]);
    expect(await balanceOf(t, a.id)).toBe(6);
    const audit = await auditOf(t, 'purchase', p.id);
    expect(audit.find((e) => e.action === 'purchase.payment.unapplied')?.reason).toMatch(/refund/);
    const invoice = await request(t.http).get(`/api/purchases/${p.id}/invoice`).set(t.admin.auth);
    expect(invoice.text).toContain('$375.00 (not applied: to be refunded)');

    // A session paid for another amount than it was opened for is not applied either.
    const q = await makePurchase(t, a.id, { bundleId });
    const qs = await openCheckout(q.id);
    await deliver(sessionEvent(qs, { amount: 100 }));
    expect((await request(t.http).get(`/api/purchases/${q.id}`).set(t.admin.auth)).body).toMatchObject({
      status: 'pending', paidCents: 0, payments: [expect.objectContaining({ amountCents: 100, applied: false })],
    });
  });

  it('closes open card payment pages before cancelling, and refuses to cancel one that was just paid', async () => {
    const a = await makeAccount(t);
    const client = await t.user('client', a.id);
    const p = await makePurchase(t, a.id, { bundleId }, client);
    const s = await openCheckout(p.id, client);
    const cancelled = await request(t.http).post(`/api/purchases/${p.id}/cancel`).set(client.auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(fake.sessions.get(s.id)!.status).toBe('expired');
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${s.id}/expire`)).toBe(true);

    const q = await makePurchase(t, a.id, { bundleId }, client);
    const qs = await openCheckout(q.id, client);
    fake.sessions.get(qs.id)!.status = 'complete'; // paid at Stripe; the webhook is on its way
    const refused = await request(t.http).post(`/api/purchases/${q.id}/cancel`).set(client.auth);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/card payment/);
    expect((await deliver(sessionEvent(qs))).status).toBe(200);
    expect((await request(t.http).get(`/api/purchases/${q.id}`).set(client.auth)).body.status).toBe('paid');
    expect(await balanceOf(t, a.id)).toBe(6);
  });

  it('refuses a card checkout for a closed account', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    await request(t.http).post(`/api/accounts/${a.id}/close`).set(t.admin.auth).send({ reason: 'moved on' }).expect(200);
    expect((await request(t.http).post(`/api/purchases/${p.id}/checkout`).set(t.admin.auth)).status).toBe(409);
  });

  it('answers 400 to a bad, missing or stale signature and changes nothing', async () => {
    const a = await makeAccount(t);
    const p = await makePurchase(t, a.id, { bundleId });
    const s = await openCheckout(p.id);
    await expectNothingWritten(t, async () => {
      expect((await deliver(sessionEvent(s), { secret: 'whsec_someone_else' })).status).toBe(400);
      const tampered = await deliver(sessionEvent(s, { amount: 100 }), { tamper: (s) => s.replace('"amount_total":100', '"amount_total":37500') });
      expect(tampered.status).toBe(400);
      const unsigned = await request(t.http).post('/api/webhooks/stripe').set('Content-Type', 'application/json').send(JSON.stringify(sessionEvent(s)));
      expect(unsigned.status).toBe(400);
      expect(unsigned.body.message).toMatch(/Stripe-Signature/);
      const payload = JSON.stringify(sessionEvent(s));
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
