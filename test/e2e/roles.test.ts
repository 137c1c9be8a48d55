import request from 'supertest';
import { ADMIN } from '../helpers/test-app';
import { approvedLetter, balanceOf, grant, letterInput, makeAccount, makeIncidentType, makeLetter, makeTicket } from '../factories';
import { expectNothingWritten, tag, ticketCount } from '../factories/db';
import { queueEmails } from '../factories/outbox';
import { makePurchase } from '../factories/purchases';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

/**
 * Who may call what: every endpoint of API.md's Auth and users, Accounts,
 * Point bank, Policy, Incident types, Tickets, Bundles and purchases, and
 * Notifications sections, the announcement letters with their segments
 * and bulk grants, the reports and dashboard (JSON and CSV) (plus the audit log and the ticket extras) for each role. `client` is a contact of the
 * account the request is about; `otherClient` a contact of another account.
 */
type Who = 'admin' | 'manager' | 'agent' | 'client' | 'otherClient' | 'anonymous';
const WHO: Who[] = ['admin', 'manager', 'agent', 'client', 'otherClient', 'anonymous'];

interface Row {
  method: 'get' | 'post' | 'patch';
  /** As written in API.md, for the test name. */
  path: string;
  /** The concrete URL; may create fresh fixtures (a ticket to resolve, an account to close). */
  url: () => Promise<string> | string;
  body?: () => object;
  expect: Record<Who, number | number[]>;
}

/** admin, manager, agent, client, otherClient, anonymous */
const e = (admin: number, manager: number, agent: number, client: number | number[], otherClient: number | number[]) =>
  ({ admin, manager, agent, client, otherClient, anonymous: 401 });
const HIDDEN = [403, 404];

describe('role matrix', () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let clientA: TestUser;
  let clientB: TestUser;
  let a: { id: string };
  let b: { id: string };
  let ticketA: string;
  let typeId: string;
  let bundleId: string;
  let notificationId: string;
  let letterId: string;
  let grantBatchId: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    a = await makeAccount(t);
    b = await makeAccount(t);
    await grant(t, a.id, 500);
    manager = await t.user('manager');
    agent = await t.user('agent');
    clientA = await t.user('client', a.id);
    clientB = await t.user('client', b.id);
    ticketA = (await makeTicket(t, { accountId: a.id, channel: 'email' })).body.id;
    typeId = (await makeIncidentType(t, 1)).id;
    bundleId = (await request(t.http).post('/api/bundles').set(t.admin.auth)
      .send({ code: `matrix-${tag()}`, name: 'Matrix bundle', paidIncidents: 2, bonusIncidents: 1, priceCents: 15000 }).expect(201)).body.id;
    notificationId = (await queueEmails(t, 1, { accountId: Number(a.id) }))[0];
    purchaseA = (await makePurchase(t, a.id, { bundleId })).id;
    // A draft (the PATCH row keeps it one) and a bulk grant left running (no scheduler here).
    letterId = (await makeLetter(t)).id;
    grantBatchId = (await request(t.http).post('/api/grant-batches').set(t.admin.auth)
      .send({ audience: {}, points: 1, reason: 'Matrix bulk grant' }).expect(202)).body.id;
  });
  afterAll(async () => { await t.close(); });

  const as = (who: Who): Record<string, string> => ({
    admin: t.admin.auth, manager: manager.auth, agent: agent.auth, client: clientA.auth, otherClient: clientB.auth, anonymous: {},
  } as Record<Who, Record<string, string>>)[who];

  /** A fresh invitation's token, read from the queued email's link (the token itself is stored nowhere else). */
  let invitationToken = '';
  const freshInvitationToken = async () => {
    const email = `inv${++seq}.${tag()}@client.test`;
    await request(t.http).post(`/api/accounts/${a.id}/invitations`).set(t.admin.auth).send({ name: 'Invited Client', email }).expect(201);
    const [row] = await t.dataSource.query('SELECT body_text FROM notifications WHERE to_address = ?', [email]);
    return /\/portal\/invitations\/([A-Za-z0-9_-]+)/.exec(row.body_text)![1];
  };
  const freshPurchase = async () => (await makePurchase(t, a.id, { bundleId })).id;
  let purchaseA = '';
  const freshTicket = async () => (await makeTicket(t, { accountId: a.id, channel: 'email' })).body.id as string;
  /** An email the outbox gave up on (no SMTP server here, so marked failed directly), for retry. */
  const freshFailedEmail = async () => {
    const [id] = await queueEmails(t, 1, { accountId: Number(a.id) });
    await t.dataSource.query("UPDATE notifications SET status = 'failed', attempts = 8, last_error = '550 no such mailbox' WHERE id = ?", [Number(id)]);
    return id;
  };
  // An empty audience, so sending freezes nothing and queues no email.
  const freshDraftLetter = async () => (await makeLetter(t, { audience: { customerSinceBefore: '1900-01-01' } })).id;
  const freshApprovedLetter = async () => (await approvedLetter(t, { audience: { customerSinceBefore: '1900-01-01' } })).id;
  const freshResolvedTicket = async () => {
    const id = await freshTicket();
    await request(t.http).post(`/api/tickets/${id}/resolve`).set(t.admin.auth).send({ resolution: 'Answered' }).expect(200);
    return id;
  };

  const rows: Row[] = [
    // Auth and users
    { method: 'post', path: '/api/auth/login', url: () => '/api/auth/login', body: () => ({ email: ADMIN.email, password: ADMIN.password }), expect: { ...e(200, 200, 200, 200, 200), anonymous: 200 } },
    { method: 'get', path: '/api/auth/me', url: () => '/api/auth/me', expect: e(200, 200, 200, 200, 200) },
    { method: 'post', path: '/api/users', url: () => '/api/users', body: () => ({ email: `u${++seq}.${tag()}@staff.test`, name: 'New Agent', role: 'agent', password: 'long-enough-1' }), expect: e(201, 403, 403, 403, 403) },
    { method: 'get', path: '/api/users', url: () => '/api/users', expect: e(200, 403, 403, 403, 403) },
    { method: 'post', path: '/api/accounts/:id/invitations', url: () => `/api/accounts/${a.id}/invitations`, body: () => ({ name: 'Invited Client', email: `inv${++seq}.${tag()}@client.test` }), expect: e(201, 201, 403, 403, 403) },
    { method: 'post', path: '/api/invitations/accept', url: async () => { invitationToken = await freshInvitationToken(); return '/api/invitations/accept'; }, body: () => ({ token: invitationToken, password: 'chosen-password-1' }), expect: { ...e(200, 200, 200, 200, 200), anonymous: 200 } },
    // Accounts
    { method: 'post', path: '/api/accounts', url: () => '/api/accounts', body: () => ({ name: `Matrix ${++seq}` }), expect: e(201, 201, 403, 403, 403) },
    { method: 'get', path: '/api/accounts', url: () => '/api/accounts', expect: e(200, 200, 200, 403, 403) },
    { method: 'get', path: '/api/accounts/:id', url: () => `/api/accounts/${a.id}`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'patch', path: '/api/accounts/:id', url: () => `/api/accounts/${a.id}`, body: () => ({ favoured: true }), expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/accounts/:id/contacts', url: () => `/api/accounts/${a.id}/contacts`, body: () => ({ name: 'Extra Contact', email: `extra${++seq}@client.test` }), expect: e(201, 201, 403, 403, 403) },
    { method: 'post', path: '/api/accounts/:id/close', url: async () => `/api/accounts/${(await makeAccount(t)).id}/close`, body: () => ({ reason: 'moved away' }), expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/accounts/:id/terms/accept', url: () => `/api/accounts/${a.id}/terms/accept`, expect: e(403, 403, 403, 200, HIDDEN) },
    // Point bank
    { method: 'get', path: '/api/accounts/:id/points', url: () => `/api/accounts/${a.id}/points`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'post', path: '/api/accounts/:id/points/grants', url: () => `/api/accounts/${a.id}/points/grants`, body: () => ({ points: 1, reason: 'goodwill' }), expect: e(201, 201, 403, 403, 403) },
    { method: 'post', path: '/api/accounts/:id/points/adjustments', url: () => `/api/accounts/${a.id}/points/adjustments`, body: () => ({ delta: 1, reason: 'correction' }), expect: e(201, 201, 403, 403, 403) },
    // Policy
    { method: 'get', path: '/api/policy', url: () => '/api/policy', expect: e(200, 200, 200, 403, 403) },
    { method: 'patch', path: '/api/policy', url: () => '/api/policy', body: () => ({ lowBalanceThreshold: 1 }), expect: e(200, 403, 403, 403, 403) },
    // Incident types
    { method: 'get', path: '/api/incident-types', url: () => '/api/incident-types', expect: e(200, 200, 200, 403, 403) },
    { method: 'post', path: '/api/incident-types', url: () => '/api/incident-types', body: () => ({ code: `matrix-${++seq}-${tag()}`, name: 'Matrix type', points: 1 }), expect: e(201, 201, 403, 403, 403) },
    { method: 'patch', path: '/api/incident-types/:id', url: () => `/api/incident-types/${typeId}`, body: () => ({ name: `Renamed ${++seq}` }), expect: e(200, 200, 403, 403, 403) },
    // Tickets
    { method: 'post', path: '/api/tickets', url: () => '/api/tickets', body: () => ({ accountId: a.id, channel: 'email', subject: 'Matrix call' }), expect: e(201, 201, 201, 201, HIDDEN) },
    { method: 'get', path: '/api/tickets', url: () => '/api/tickets', expect: e(200, 200, 200, 200, 200) },
    { method: 'get', path: '/api/tickets/:id', url: () => `/api/tickets/${ticketA}`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'get', path: '/api/tickets/:id/entries', url: () => `/api/tickets/${ticketA}/entries`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'patch', path: '/api/tickets/:id', url: () => `/api/tickets/${ticketA}`, body: () => ({ subject: `Edited ${++seq}` }), expect: e(200, 200, 200, 403, 403) },
    { method: 'post', path: '/api/tickets/:id/classify', url: async () => `/api/tickets/${await freshTicket()}/classify`, body: () => ({ fault: 'provider' }), expect: e(200, 200, 200, 403, 403) },
    { method: 'post', path: '/api/tickets/:id/classify (resolved)', url: async () => `/api/tickets/${await freshResolvedTicket()}/classify`, body: () => ({ fault: 'provider' }), expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/tickets/:id/resolve', url: async () => `/api/tickets/${await freshTicket()}/resolve`, body: () => ({ resolution: 'Fixed the settings' }), expect: e(200, 200, 200, 403, 403) },
    // Bundles (the catalog); clients see those on sale
    { method: 'get', path: '/api/bundles', url: () => '/api/bundles', expect: e(200, 200, 200, 200, 200) },
    { method: 'get', path: '/api/bundles/:id', url: () => `/api/bundles/${bundleId}`, expect: e(200, 200, 200, 200, 200) },
    { method: 'post', path: '/api/bundles', url: () => '/api/bundles', body: () => ({ code: `matrix-${++seq}-${tag()}`, name: 'Matrix bundle', paidIncidents: 1, bonusIncidents: 0, priceCents: 7500 }), expect: e(201, 201, 403, 403, 403) },
    { method: 'patch', path: '/api/bundles/:id', url: () => `/api/bundles/${bundleId}`, body: () => ({ name: `Renamed bundle ${++seq}` }), expect: e(200, 200, 403, 403, 403) },
    // Purchases (agent or its own client; payments by managers). No Stripe here, so card checkout and webhooks answer 409.
    { method: 'post', path: '/api/accounts/:id/purchases', url: () => `/api/accounts/${a.id}/purchases`, body: () => ({ bundleId }), expect: e(201, 201, 201, 201, HIDDEN) },
    { method: 'get', path: '/api/accounts/:id/purchases', url: () => `/api/accounts/${a.id}/purchases`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'get', path: '/api/purchases/:id', url: () => `/api/purchases/${purchaseA}`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'get', path: '/api/purchases/:id/invoice', url: () => `/api/purchases/${purchaseA}/invoice`, expect: e(200, 200, 200, 200, HIDDEN) },
    { method: 'post', path: '/api/purchases/:id/payments', url: async () => `/api/purchases/${await freshPurchase()}/payments`, body: () => ({ amountCents: 100, method: 'cash' }), expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/purchases/:id/cancel', url: async () => `/api/purchases/${await freshPurchase()}/cancel`, expect: e(200, 200, 403, 200, HIDDEN) },
    { method: 'post', path: '/api/purchases/:id/checkout', url: () => `/api/purchases/${purchaseA}/checkout`, expect: e(409, 409, 409, 409, HIDDEN) },
    { method: 'post', path: '/api/webhooks/stripe', url: () => '/api/webhooks/stripe', body: () => ({ id: 'evt_matrix' }), expect: { ...e(409, 409, 409, 409, 409), anonymous: 409 } },
    // Notifications (manager)
    { method: 'get', path: '/api/notifications', url: () => '/api/notifications', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/notifications/:id', url: () => `/api/notifications/${notificationId}`, expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/notifications/:id/retry', url: async () => `/api/notifications/${await freshFailedEmail()}/retry`, expect: e(200, 200, 403, 403, 403) },
    // Audit
    { method: 'get', path: '/api/audit', url: () => '/api/audit', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/audit?from=&to=', url: () => '/api/audit?from=2026-01-01&to=2026-12-31', expect: e(200, 200, 403, 403, 403) },
    // Reports (manager)
    { method: 'get', path: '/api/reports/summary', url: () => '/api/reports/summary?from=2026-01-01&to=2026-12-31', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/summary?format=csv', url: () => '/api/reports/summary?format=csv', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/top-accounts', url: () => '/api/reports/top-accounts?days=90&limit=10', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/top-accounts?format=csv', url: () => '/api/reports/top-accounts?format=csv', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/migration', url: () => '/api/reports/migration', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/migration?format=csv', url: () => '/api/reports/migration?format=csv', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/reports/dashboard', url: () => '/api/reports/dashboard', expect: e(200, 200, 403, 403, 403) },
    // Segments and bulk grants (manager)
    { method: 'get', path: '/api/segments/preview', url: () => '/api/segments/preview?favoured=true&points=5', expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/grant-batches', url: () => '/api/grant-batches', body: () => ({ audience: {}, points: 1, reason: `Matrix bulk grant ${++seq}` }), expect: e(202, 202, 403, 403, 403) },
    { method: 'get', path: '/api/grant-batches', url: () => '/api/grant-batches', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/grant-batches/:id', url: () => `/api/grant-batches/${grantBatchId}`, expect: e(200, 200, 403, 403, 403) },
    // Announcement letters (manager)
    { method: 'post', path: '/api/letters', url: () => '/api/letters', body: () => letterInput(), expect: e(201, 201, 403, 403, 403) },
    { method: 'get', path: '/api/letters', url: () => '/api/letters', expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/letters/:id', url: () => `/api/letters/${letterId}`, expect: e(200, 200, 403, 403, 403) },
    { method: 'patch', path: '/api/letters/:id', url: () => `/api/letters/${letterId}`, body: () => ({ title: `Renamed letter ${++seq}` }), expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/letters/:id/preview', url: () => `/api/letters/${letterId}/preview?accountId=${a.id}`, expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/letters/:id/audience', url: () => `/api/letters/${letterId}/audience`, expect: e(200, 200, 403, 403, 403) },
    { method: 'get', path: '/api/letters/:id/recipients', url: () => `/api/letters/${letterId}/recipients`, expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/letters/:id/approve', url: async () => `/api/letters/${await freshDraftLetter()}/approve`, expect: e(200, 200, 403, 403, 403) },
    { method: 'post', path: '/api/letters/:id/send', url: async () => `/api/letters/${await freshApprovedLetter()}/send`, expect: e(202, 202, 403, 403, 403) },
  ];

  describe.each(rows)('$method $path', (row) => {
    it.each(WHO)('as %s', async (who) => {
      const url = await row.url();
      let req = request(t.http)[row.method](url).set(as(who));
      if (row.body) req = req.send(row.body());
      const res = await req;
      const expected = row.expect[who];
      const allowed = Array.isArray(expected) ? expected : [expected];
      if (!allowed.includes(res.status)) {
        throw new Error(`${row.method.toUpperCase()} ${url} as ${who}: expected ${allowed.join(' or ')}, got ${res.status} ${JSON.stringify(res.body)}`);
      }
      if (res.status >= 400) expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String), message: expect.anything() });
    });
  });

  it('checks the token before anything else: anonymous gets 401 even for ids that name nothing or bad bodies', async () => {
    await request(t.http).get('/api/accounts/abc').expect(401);
    await request(t.http).post('/api/accounts/999999/points/grants').send({ points: 0 }).expect(401);
    await request(t.http).post('/api/tickets').send({}).expect(401);
    await request(t.http).patch('/api/bundles/abc').send({ nonsense: true }).expect(401);
    await request(t.http).post('/api/notifications/999999/retry').expect(401);
    await request(t.http).post('/api/letters').send({ nonsense: true }).expect(401);
    await request(t.http).post('/api/letters/999999/send').expect(401);
    await request(t.http).post('/api/grant-batches').send({}).expect(401);
    await request(t.http).get('/api/segments/preview?favoured=maybe').expect(401);
    await request(t.http).get('/api/reports/summary?from=2026-02-30&format=xml').expect(401);
    await request(t.http).get('/api/reports/top-accounts?days=0').expect(401);
    await request(t.http).get('/api/reports/migration?format=csv').expect(401);
    await request(t.http).get('/api/reports/dashboard').expect(401);
    await request(t.http).get('/api/audit?from=yesterday').expect(401);
  });

  it('checks the role before the id or the body: a wrong role gets 403 whatever it sends', async () => {
    await request(t.http).patch('/api/accounts/abc').set(agent.auth).send({ nonsense: true }).expect(403);
    await request(t.http).post('/api/accounts/999999/points/grants').set(agent.auth).send({}).expect(403);
    await request(t.http).patch('/api/policy').set(manager.auth).send({ onShortfall: 'nope' }).expect(403);
    await request(t.http).post('/api/bundles').set(agent.auth).send({ nonsense: true }).expect(403);
    await request(t.http).patch('/api/bundles/abc').set(clientA.auth).send({ code: 'NOT VALID' }).expect(403);
    await request(t.http).get('/api/notifications?kind=nope').set(agent.auth).expect(403);
    await request(t.http).post('/api/notifications/abc/retry').set(clientA.auth).expect(403);
    await request(t.http).post('/api/purchases/abc/payments').set(agent.auth).send({ amountCents: -1 }).expect(403);
    await request(t.http).post('/api/letters').set(agent.auth).send({ subject: '{{nope}}' }).expect(403);
    await request(t.http).patch('/api/letters/abc').set(clientA.auth).send({ nonsense: true }).expect(403);
    await request(t.http).post('/api/letters/999999/send').set(agent.auth).expect(403);
    await request(t.http).post('/api/grant-batches').set(agent.auth).send({ points: 0 }).expect(403);
    await request(t.http).get('/api/segments/preview?favoured=maybe').set(agent.auth).expect(403);
    await request(t.http).get('/api/reports/summary?from=2026-02-30&to=2026-01-01').set(agent.auth).expect(403);
    await request(t.http).get('/api/reports/top-accounts?days=0&limit=201').set(clientA.auth).expect(403);
    await request(t.http).get('/api/reports/migration?format=xml').set(agent.auth).expect(403);
    await request(t.http).get('/api/audit?to=tomorrow').set(clientA.auth).expect(403);
  });

  describe('an agent cannot grant points', () => {
    it('is refused with 403 and the balance and ledger stay as they were', async () => {
      const acc = await makeAccount(t);
      await expectNothingWritten(t, async () => {
        const res = await request(t.http).post(`/api/accounts/${acc.id}/points/grants`).set(agent.auth).send({ points: 5, reason: 'just because' });
        expect(res.status).toBe(403);
        const adj = await request(t.http).post(`/api/accounts/${acc.id}/points/adjustments`).set(agent.auth).send({ delta: 5, reason: 'just because' });
        expect(adj.status).toBe(403);
      });
      expect(await balanceOf(t, acc.id)).toBe(0);
    });
  });

  describe('client isolation', () => {
    it("hides another account's account, points, tickets and ticket entries from a client", async () => {
      const ticketB = (await makeTicket(t, { accountId: b.id, channel: 'email' })).body.id;
      for (const url of [`/api/accounts/${b.id}`, `/api/accounts/${b.id}/points`, `/api/tickets/${ticketB}`, `/api/tickets/${ticketB}/entries`]) {
        const res = await request(t.http).get(url).set(clientA.auth);
        expect({ url, status: res.status }).toEqual({ url, status: 404 });
        // The answer for someone else's account is the same as for an account that does not exist.
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        expect(JSON.stringify(res.body)).not.toContain('Subject');
      }
      const own = await request(t.http).get(`/api/accounts/${a.id}`).set(clientA.auth);
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(a.id);
    });

    it('does not let a client log a call for another account, and writes nothing', async () => {
      const before = await ticketCount(t, b.id);
      await expectNothingWritten(t, async () => {
        const res = await request(t.http).post('/api/tickets').set(clientA.auth).send({ accountId: b.id, channel: 'portal', subject: 'Not mine' });
        expect(HIDDEN).toContain(res.status);
      });
      expect(await ticketCount(t, b.id)).toBe(before);
    });

    it("lists only the client's own tickets, whatever accountId it asks for", async () => {
      await makeTicket(t, { accountId: b.id, channel: 'email', subject: 'B only' });
      const mine = (await makeTicket(t, { accountId: a.id, channel: 'email', subject: 'A only' })).body.id;
      const all = await request(t.http).get('/api/tickets?limit=200').set(clientA.auth);
      expect(all.status).toBe(200);
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.body.items.every((x: { accountId: string }) => x.accountId === a.id)).toBe(true);
      expect(all.body.items.map((x: { id: string }) => x.id)).toContain(mine);
      expect(all.body.total).toBe(await ticketCount(t, a.id));

      const asked = await request(t.http).get(`/api/tickets?accountId=${b.id}&limit=200`).set(clientA.auth);
      expect(asked.status === 200 || HIDDEN.includes(asked.status)).toBe(true);
      if (asked.status === 200) expect(asked.body.items.filter((x: { accountId: string }) => x.accountId !== a.id)).toEqual([]);

      const staff = await request(t.http).get(`/api/tickets?accountId=${b.id}&limit=200`).set(agent.auth);
      expect(staff.body.items.some((x: { accountId: string }) => x.accountId === b.id)).toBe(true);
    });

    it("always logs a client's ticket on the portal channel, so it never charges the phone rate", async () => {
      const acc = await makeAccount(t);
      await grant(t, acc.id, 5);
      const client = await t.user('client', acc.id);
      const res = await request(t.http).post('/api/tickets').set(client.auth)
        .send({ accountId: acc.id, channel: 'phone', subject: 'Printer is on fire', fault: 'client', priority: 'emergency' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ accountId: acc.id, channel: 'portal', createdById: client.id });
      expect(res.body.charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
      expect(await balanceOf(t, acc.id)).toBe(5);
      const viaEmail = await request(t.http).post('/api/tickets').set(client.auth).send({ accountId: acc.id, channel: 'email', subject: 'By mail' });
      expect(viaEmail.body.channel).toBe('portal');
      const seen = await request(t.http).get(`/api/tickets/${res.body.id}`).set(client.auth);
      expect(seen.status).toBe(200);
      expect(seen.body.channel).toBe('portal');
    });

    it('lets a client accept the terms for its own account only', async () => {
      const own = await makeAccount(t);
      const other = await makeAccount(t);
      const client = await t.user('client', own.id);
      const res = await request(t.http).post(`/api/accounts/${own.id}/terms/accept`).set(client.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: own.id, policyStatus: 'enrolled' });
      expect((await request(t.http).get(`/api/accounts/${own.id}`).set(t.admin.auth)).body.policyStatus).toBe('enrolled');

      await expectNothingWritten(t, async () => {
        const theirs = await request(t.http).post(`/api/accounts/${other.id}/terms/accept`).set(client.auth);
        expect(HIDDEN).toContain(theirs.status);
        for (const staff of [t.admin, manager, agent]) {
          const r = await request(t.http).post(`/api/accounts/${other.id}/terms/accept`).set(staff.auth);
          expect({ role: staff.role, status: r.status }).toEqual({ role: staff.role, status: 403 });
        }
      });
      expect((await request(t.http).get(`/api/accounts/${other.id}`).set(t.admin.auth)).body.policyStatus).toBe('legacy');
    });
  });

  describe('ids that name nothing', () => {
    const SHAPES = ['999999', 'abc', '-1', '0', '1.5', '1e3', '999999999999999'];
    const endpoints: { method: 'get' | 'post' | 'patch'; path: string; body?: object }[] = [
      { method: 'get', path: '/api/accounts/:id' },
      { method: 'patch', path: '/api/accounts/:id', body: { name: 'Ghost' } },
      { method: 'post', path: '/api/accounts/:id/contacts', body: { name: 'Ghost', email: 'ghost@client.test' } },
      { method: 'post', path: '/api/accounts/:id/close', body: { reason: 'gone away' } },
      { method: 'get', path: '/api/accounts/:id/points' },
      { method: 'post', path: '/api/accounts/:id/points/grants', body: { points: 1, reason: 'goodwill' } },
      { method: 'post', path: '/api/accounts/:id/points/adjustments', body: { delta: 1, reason: 'correction' } },
      { method: 'post', path: '/api/accounts/:id/points/adjustments', body: { delta: -1, reason: 'correction' } },
      { method: 'patch', path: '/api/incident-types/:id', body: { name: 'Ghost' } },
      { method: 'get', path: '/api/tickets/:id' },
      { method: 'get', path: '/api/tickets/:id/entries' },
      { method: 'patch', path: '/api/tickets/:id', body: { subject: 'Ghost' } },
      { method: 'post', path: '/api/tickets/:id/classify', body: { fault: 'client' } },
      { method: 'post', path: '/api/tickets/:id/resolve', body: { resolution: 'Ghost' } },
      { method: 'get', path: '/api/bundles/:id' },
      { method: 'patch', path: '/api/bundles/:id', body: { name: 'Ghost' } },
      { method: 'get', path: '/api/notifications/:id' },
      { method: 'post', path: '/api/notifications/:id/retry' },
      { method: 'post', path: '/api/accounts/:id/invitations', body: { name: 'Ghost', email: 'ghost.invite@client.test' } },
      { method: 'get', path: '/api/grant-batches/:id' },
      { method: 'get', path: '/api/letters/:id' },
      { method: 'patch', path: '/api/letters/:id', body: { title: 'Ghost' } },
      { method: 'get', path: '/api/letters/:id/preview' },
      { method: 'get', path: '/api/letters/:id/audience' },
      { method: 'get', path: '/api/letters/:id/recipients' },
      { method: 'post', path: '/api/letters/:id/approve' },
      { method: 'post', path: '/api/letters/:id/send' },
    ];

    it.each(endpoints)('$method $path → 404 for every shape of unknown id, writing nothing', async ({ method, path, body }) => {
      for (const id of SHAPES) {
        await expectNothingWritten(t, async () => {
          let req = request(t.http)[method](path.replace(':id', id)).set(t.admin.auth);
          if (body) req = req.send(body);
          const res = await req;
          expect({ id, status: res.status }).toEqual({ id, status: 404 });
          expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        });
      }
    });

    it('gives a client 404 too, for its terms, accounts, points and tickets', async () => {
      for (const id of SHAPES) {
        for (const [method, path] of [['get', '/api/accounts/:id'], ['get', '/api/accounts/:id/points'], ['get', '/api/tickets/:id'], ['post', '/api/accounts/:id/terms/accept']] as const) {
          const res = await request(t.http)[method](path.replace(':id', id)).set(clientA.auth);
          expect({ id, path, status: res.status }).toEqual({ id, path, status: 404 });
        }
      }
    });

    it('answers 404 when a ticket names an account that does not exist', async () => {
      for (const accountId of SHAPES) {
        await expectNothingWritten(t, async () => {
          const res = await request(t.http).post('/api/tickets').set(agent.auth).send({ accountId, channel: 'phone', subject: 'Ghost call' });
          expect({ accountId, status: res.status }).toEqual({ accountId, status: 404 });
        });
      }
    });
  });
});
