import request from 'supertest';
import { grant, makeAccount, makeIncidentType, makeTicket } from '../factories';
import { auditOf, digits, expectNothingWritten, tag } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ACCOUNT_FIELDS = ['id', 'name', 'customerSince', 'favoured', 'status', 'policyStatus', 'balance', 'lowBalance', 'contacts', 'createdAt', 'closedAt', 'closeReason'];

describe('accounts', () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    agent = await t.user('agent');
  });
  afterAll(async () => { await t.close(); });
  afterEach(async () => { await expectLedgerInvariants(t.dataSource); });

  const get = (id: string, as: TestUser = agent) => request(t.http).get(`/api/accounts/${id}`).set(as.auth);
  const search = (query: Record<string, string | number | boolean>, as: TestUser = agent) =>
    request(t.http).get('/api/accounts').query(query).set(as.auth);
  const idsOf = (res: request.Response) => res.body.items.map((x: { id: string }) => x.id);

  describe('create, read, change', () => {
    it('creates an account with contacts and answers 201 with the Account shape of API.md', async () => {
      const tg = tag();
      const res = await request(t.http).post('/api/accounts').set(manager.auth).send({
        name: `Harbour Dental ${tg}`,
        customerSince: '2012-05-14',
        favoured: true,
        contacts: [
          { name: 'Rosa Diaz', email: `rosa.${tg}@harbour.example`, phone: '+1 (212) 555-0147' },
          { name: 'Tom Okafor', email: `tom.${tg}@harbour.example` },
        ],
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(expect.arrayContaining(ACCOUNT_FIELDS));
      expect(res.body).toMatchObject({
        id: expect.any(String),
        name: `Harbour Dental ${tg}`,
        customerSince: '2012-05-14',
        favoured: true,
        status: 'active',
        policyStatus: 'legacy',
        balance: 0,
        lowBalance: true,
        closedAt: null,
        closeReason: null,
      });
      expect(res.body.createdAt).toMatch(ISO_TIME);
      expect(Math.abs(Date.parse(res.body.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(res.body.contacts).toEqual([
        { id: expect.any(String), name: 'Rosa Diaz', email: `rosa.${tg}@harbour.example`, phone: '+1 (212) 555-0147' },
        { id: expect.any(String), name: 'Tom Okafor', email: `tom.${tg}@harbour.example`, phone: null },
      ]);
      expect(res.body.contacts[0].id).not.toBe(res.body.contacts[1].id);

      const again = await get(res.body.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('creates with only a name: no contacts, not favoured, no customerSince', async () => {
      const res = await request(t.http).post('/api/accounts').set(manager.auth).send({ name: 'Bare Minimum Ltd' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Bare Minimum Ltd', customerSince: null, favoured: false, contacts: [], status: 'active', policyStatus: 'legacy' });
    });

    it('shows balance and lowBalance from the point bank', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 5);
      expect((await get(a.id)).body).toMatchObject({ balance: 5, lowBalance: false });
      await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -4, reason: 'correction' }).expect(201);
      // lowBalance is balance ≤ lowBalanceThreshold (1 by default).
      expect((await get(a.id)).body).toMatchObject({ balance: 1, lowBalance: true });
    });

    it('changes name, customerSince and favoured with PATCH, each on its own', async () => {
      const a = await makeAccount(t, { name: 'Old Name Co' });
      const p1 = await request(t.http).patch(`/api/accounts/${a.id}`).set(manager.auth).send({ name: 'New Name Co' });
      expect(p1.status).toBe(200);
      expect(p1.body).toMatchObject({ id: a.id, name: 'New Name Co', favoured: false, customerSince: null });
      const p2 = await request(t.http).patch(`/api/accounts/${a.id}`).set(manager.auth).send({ customerSince: '2001-09-30', favoured: true });
      expect(p2.body).toMatchObject({ name: 'New Name Co', customerSince: '2001-09-30', favoured: true });
      const p3 = await request(t.http).patch(`/api/accounts/${a.id}`).set(manager.auth).send({ favoured: false });
      expect(p3.body).toMatchObject({ customerSince: '2001-09-30', favoured: false });
      const p4 = await request(t.http).patch(`/api/accounts/${a.id}`).set(manager.auth).send({ customerSince: null });
      expect(p4.body.customerSince).toBeNull();
      expect((await get(a.id)).body).toMatchObject({ name: 'New Name Co', customerSince: null, favoured: false, contacts: a.contacts });
    });

    it('adds a contact (201 contact) that then shows on the account and in search', async () => {
      const a = await makeAccount(t);
      const tg = tag();
      const res = await request(t.http).post(`/api/accounts/${a.id}/contacts`).set(manager.auth)
        .send({ name: `Priya ${tg}`, email: `priya.${tg}@client.test`, phone: '020 7946 0000' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), name: `Priya ${tg}`, email: `priya.${tg}@client.test`, phone: '020 7946 0000' });
      const acc = (await get(a.id)).body;
      expect(acc.contacts).toHaveLength(2);
      expect(acc.contacts[1]).toEqual(res.body);
      expect(idsOf(await search({ q: `priya ${tg}` }))).toEqual([a.id]);
    });

    it('closes an account with a reason; closing it again is 409 and changes nothing', async () => {
      const a = await makeAccount(t);
      const res = await request(t.http).post(`/api/accounts/${a.id}/close`).set(manager.auth).send({ reason: 'Moved to a competitor' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: a.id, status: 'closed', closeReason: 'Moved to a competitor' });
      expect(res.body.closedAt).toMatch(ISO_TIME);
      expect(Math.abs(Date.parse(res.body.closedAt) - Date.now())).toBeLessThan(60_000);

      await expectNothingWritten(t, async () => {
        const twice = await request(t.http).post(`/api/accounts/${a.id}/close`).set(manager.auth).send({ reason: 'Closing once more' });
        expect(twice.status).toBe(409);
        expect(twice.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      });
      expect((await get(a.id)).body).toMatchObject({ status: 'closed', closedAt: res.body.closedAt, closeReason: 'Moved to a competitor' });
    });
  });

  describe('search', () => {
    const tg = tag();
    const area = `9${digits(2)}`;
    const local = digits(3);
    const line = digits(4);
    let bluefin: { id: string };
    let other: { id: string };

    beforeAll(async () => {
      bluefin = await makeAccount(t, {
        name: `Bluefin${tg} Logistics`,
        contacts: [{ name: `Ottilie Vance${tg}`, email: `ops.${tg}@bluefin.example`, phone: `+1 (${area}) ${local}-${line}` }],
      });
      other = await makeAccount(t, {
        name: `Greenleaf${tg} Farms`,
        contacts: [{ name: `Bruno Marsh${tg}`, email: `bruno.${tg}@greenleaf.example` }],
      });
    });

    it.each([
      ['a part of the name, in other case', () => `EFIN${tg.toUpperCase()}`],
      ['the start of the name', () => `bluefin${tg}`],
      ['two words of the name', () => `Logistics bluefin${tg}`],
      ['a contact name', () => `vance${tg}`],
      ['a contact first name with the tag', () => `OTTILIE vance${tg}`],
      ['part of an email', () => `ops.${tg}@blue`],
      ['an email domain part', () => `${tg}@bluefin.EXAMPLE`],
      ['phone digits', () => `${area}${local}${line}`],
      ['phone digits in the middle', () => `${local}${line}`],
      ['phone with its punctuation', () => `(${area}) ${local}-${line}`],
      ['phone with dashes only', () => `${area}-${local}-${line}`],
      ['phone with the country code', () => `+1 ${area} ${local} ${line}`],
    ])('finds an account by %s', async (_what, q) => {
      const res = await search({ q: q() });
      expect(res.status).toBe(200);
      expect(idsOf(res)).toEqual([bluefin.id]);
      expect(res.body.total).toBe(1);
    });

    it('finds every account sharing a word, and none for a word nobody has', async () => {
      const both = await search({ q: tg });
      expect(idsOf(both).sort()).toEqual([bluefin.id, other.id].sort());
      const none = await search({ q: `zz${tag()}` });
      expect(none.body).toEqual({ items: [], total: 0 });
    });

    it('treats LIKE wildcards in q as plain characters', async () => {
      expect((await search({ q: `%${tg}` })).body.total).toBe(0);
      expect((await search({ q: `bluefin_${tg.slice(1)}` })).body.total).toBe(0);
    });

    it('filters by status, favoured and lowBalance', async () => {
      const ft = tag();
      const mk = (name: string, favoured = false) => makeAccount(t, { name: `${name} ${ft}`, favoured });
      const empty = await mk('Empty');
      const one = await mk('One', true);
      const five = await mk('Five', true);
      const closed = await mk('Closed');
      await grant(t, one.id, 1);
      await grant(t, five.id, 5);
      await grant(t, closed.id, 9);
      await request(t.http).post(`/api/accounts/${closed.id}/close`).set(manager.auth).send({ reason: 'Went out of business' }).expect(200);

      const sorted = (res: request.Response) => [...idsOf(res)].sort();
      const ids = (...xs: { id: string }[]) => xs.map((x) => x.id).sort();
      expect(sorted(await search({ q: ft }))).toEqual(ids(empty, one, five, closed));
      expect(sorted(await search({ q: ft, status: 'active' }))).toEqual(ids(empty, one, five));
      expect(sorted(await search({ q: ft, status: 'closed' }))).toEqual(ids(closed));
      expect(sorted(await search({ q: ft, favoured: true }))).toEqual(ids(one, five));
      expect(sorted(await search({ q: ft, favoured: false }))).toEqual(ids(empty, closed));
      // lowBalance: balance ≤ 1 (the default threshold).
      const low = await search({ q: ft, lowBalance: true });
      expect(sorted(low)).toEqual(ids(empty, one));
      expect(low.body.items.every((x: { lowBalance: boolean }) => x.lowBalance)).toBe(true);
      const notLow = await search({ q: ft, lowBalance: false });
      expect(sorted(notLow)).toEqual(ids(five, closed));
      expect(notLow.body.items.every((x: { lowBalance: boolean }) => !x.lowBalance)).toBe(true);
      expect(sorted(await search({ q: ft, status: 'active', favoured: true, lowBalance: false }))).toEqual(ids(five));
    });

    it('pages with limit and offset, reporting the total of all matches', async () => {
      const pt = tag();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await makeAccount(t, { name: `Pager${pt} ${i}` }));
      const all = await search({ q: `pager${pt}` });
      expect(all.body.total).toBe(5);
      expect(all.body.items).toHaveLength(5);
      const p1 = await search({ q: `pager${pt}`, limit: 2, offset: 0 });
      const p2 = await search({ q: `pager${pt}`, limit: 2, offset: 2 });
      const p3 = await search({ q: `pager${pt}`, limit: 2, offset: 4 });
      const p4 = await search({ q: `pager${pt}`, limit: 2, offset: 6 });
      expect([p1, p2, p3, p4].map((r) => r.body.total)).toEqual([5, 5, 5, 5]);
      expect([p1, p2, p3, p4].map((r) => r.body.items.length)).toEqual([2, 2, 1, 0]);
      expect([...idsOf(p1), ...idsOf(p2), ...idsOf(p3)]).toEqual(idsOf(all));
      expect(new Set(idsOf(all))).toEqual(new Set(made.map((m) => m.id)));
    });

    it('answers 200 for limit=200 and 400 for limit=201', async () => {
      const ok = await search({ limit: 200 });
      expect(ok.status).toBe(200);
      expect(ok.body.items.length).toBeLessThanOrEqual(200);
      expect(typeof ok.body.total).toBe('number');
      const tooMany = await search({ limit: 201 });
      expect(tooMany.status).toBe(400);
      expect(JSON.stringify(tooMany.body.message)).toContain('limit');
    });

    it('defaults to 50 items per page', async () => {
      const dt = tag();
      for (let i = 0; i < 51; i++) {
        await request(t.http).post('/api/accounts').set(t.admin.auth).send({ name: `Bulk${dt} ${String(i).padStart(2, '0')}` }).expect(201);
      }
      const res = await search({ q: `bulk${dt}` });
      expect(res.body.total).toBe(51);
      expect(res.body.items).toHaveLength(50);
    });

    it('follows a rename: the old name no longer finds it, the new one does', async () => {
      const rt = tag();
      const a = await makeAccount(t, { name: `Before${rt} Inc` });
      await request(t.http).patch(`/api/accounts/${a.id}`).set(manager.auth).send({ name: `After${rt} Inc` }).expect(200);
      expect((await search({ q: `before${rt}` })).body.total).toBe(0);
      expect(idsOf(await search({ q: `after${rt}` }))).toEqual([a.id]);
    });
  });

  describe('point bank history', () => {
    const ENTRY_FIELDS = ['id', 'accountId', 'delta', 'balanceAfter', 'kind', 'reason', 'ticketId', 'purchaseId', 'letterId', 'actorId', 'createdAt'];

    it('answers a grant with 201 and a LedgerEntry, and lists entries newest first with the balance and total', async () => {
      const a = await makeAccount(t);
      const g = await request(t.http).post(`/api/accounts/${a.id}/points/grants`).set(manager.auth).send({ points: 5, reason: 'Loyal since 2010' });
      expect(g.status).toBe(201);
      expect(Object.keys(g.body)).toEqual(expect.arrayContaining(ENTRY_FIELDS));
      expect(g.body).toMatchObject({
        id: expect.any(String), accountId: a.id, delta: 5, balanceAfter: 5, kind: 'grant', reason: 'Loyal since 2010',
        ticketId: null, purchaseId: null, letterId: null, actorId: manager.id,
      });
      expect(g.body.createdAt).toMatch(ISO_TIME);
      const adj = await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -2, reason: 'Double grant' });
      expect(adj.status).toBe(201);
      expect(adj.body).toMatchObject({ accountId: a.id, delta: -2, balanceAfter: 3, kind: 'adjustment', reason: 'Double grant', actorId: manager.id });
      const call = (await makeTicket(t, { accountId: a.id, fault: 'client' }, agent)).body;

      const history = await request(t.http).get(`/api/accounts/${a.id}/points`).set(agent.auth);
      expect(history.status).toBe(200);
      expect(history.body.balance).toBe(2);
      expect(history.body.total).toBe(3);
      expect(history.body.items.map((e: { kind: string; delta: number; balanceAfter: number }) => [e.kind, e.delta, e.balanceAfter]))
        .toEqual([['incident', -1, 2], ['adjustment', -2, 3], ['grant', 5, 5]]);
      expect(history.body.items[0]).toMatchObject({ ticketId: call.id, actorId: agent.id });
      expect(history.body.items[2]).toEqual(g.body);

      const page = await request(t.http).get(`/api/accounts/${a.id}/points?limit=1&offset=1`).set(agent.auth);
      expect(page.body).toMatchObject({ balance: 2, total: 3 });
      expect(page.body.items).toEqual([history.body.items[1]]);
    });

    it('shows a client its own balance and history', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 4);
      const client = await t.user('client', a.id);
      const res = await request(t.http).get(`/api/accounts/${a.id}/points`).set(client.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ balance: 4, total: 1 });
      expect(res.body.items[0]).toMatchObject({ kind: 'grant', delta: 4 });
    });
  });

  it('refuses terms/accept on a closed account with 409', async () => {
    const a = await makeAccount(t);
    const client = await t.user('client', a.id);
    await request(t.http).post(`/api/accounts/${a.id}/close`).set(manager.auth).send({ reason: 'Contract ended' }).expect(200);
    await expectNothingWritten(t, async () => {
      const res = await request(t.http).post(`/api/accounts/${a.id}/terms/accept`).set(client.auth);
      expect(res.status).toBe(409);
    });
    expect((await get(a.id)).body.policyStatus).toBe('legacy');
  });

  describe('audit trail', () => {
    it('records account create, update and close with actor, reason, before and after', async () => {
      const created = await request(t.http).post('/api/accounts').set(manager.auth).send({ name: 'Audited Ltd', favoured: false });
      const id = created.body.id;
      await request(t.http).patch(`/api/accounts/${id}`).set(manager.auth).send({ name: 'Audited Holdings', favoured: true }).expect(200);
      await request(t.http).post(`/api/accounts/${id}/close`).set(manager.auth).send({ reason: 'Merged into a group account' }).expect(200);

      const items = await auditOf(t, 'account', id, manager);
      expect(items.every((x) => x.entityType === 'account' && x.entityId === id && x.actorId === manager.id)).toBe(true);
      expect(items.every((x) => ISO_TIME.test(x.createdAt))).toBe(true);
      // Newest first: close, update, create.
      expect(items.map((x) => x.action)).toEqual([expect.stringMatching(/close/), expect.stringMatching(/update/), expect.stringMatching(/create/)]);
      const [close, update, create] = items;
      expect(create.after).toMatchObject({ name: 'Audited Ltd' });
      expect(update.before).toMatchObject({ name: 'Audited Ltd', favoured: false });
      expect(update.after).toMatchObject({ name: 'Audited Holdings', favoured: true });
      expect(close.reason).toBe('Merged into a group account');
      expect(close.before).toMatchObject({ status: 'active' });
      expect(close.after).toMatchObject({ status: 'closed' });
    });

    it('records grants and adjustments with the reason and the balance before and after', async () => {
      const a = await makeAccount(t);
      await request(t.http).post(`/api/accounts/${a.id}/points/grants`).set(manager.auth).send({ points: 6, reason: 'Customer since 2009' }).expect(201);
      await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -2, reason: 'Duplicate grant' }).expect(201);
      const items = (await auditOf(t, 'account', a.id, manager)).filter((x) => /grant|adjust/.test(x.action));
      expect(items).toHaveLength(2);
      const [adjust, grantRow] = items;
      expect(grantRow).toMatchObject({ actorId: manager.id, action: expect.stringMatching(/grant/), reason: 'Customer since 2009' });
      expect(grantRow.before).toMatchObject({ balance: 0 });
      expect(grantRow.after).toMatchObject({ balance: 6 });
      expect(adjust).toMatchObject({ actorId: manager.id, action: expect.stringMatching(/adjust/), reason: 'Duplicate grant' });
      expect(adjust.before).toMatchObject({ balance: 6 });
      expect(adjust.after).toMatchObject({ balance: 4 });
    });

    it('writes no audit row for a refused adjustment', async () => {
      const a = await makeAccount(t);
      const before = await auditOf(t, 'account', a.id, manager);
      await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -1, reason: 'Too much' }).expect(409);
      expect(await auditOf(t, 'account', a.id, manager)).toEqual(before);
    });

    it('records policy changes with who and the values before and after', async () => {
      const res = await request(t.http).patch('/api/policy').set(t.admin.auth).send({ lowBalanceThreshold: 2, perIncidentFeeCents: 8000 });
      expect(res.status).toBe(200);
      const [latest] = (await request(t.http).get('/api/audit').query({ entityType: 'policy' }).set(manager.auth)).body.items;
      expect(latest).toMatchObject({ actorId: t.admin.id, entityType: 'policy', action: expect.stringMatching(/policy/) });
      expect(latest.before).toMatchObject({ lowBalanceThreshold: 1, perIncidentFeeCents: 7500 });
      expect(latest.after).toMatchObject({ lowBalanceThreshold: 2, perIncidentFeeCents: 8000 });
      await request(t.http).patch('/api/policy').set(t.admin.auth).send({ lowBalanceThreshold: 1, perIncidentFeeCents: 7500 }).expect(200);
    });

    it('records a reclassification with the classification and charge before and after', async () => {
      const a = await makeAccount(t);
      await grant(t, a.id, 5);
      const type = await makeIncidentType(t, 2);
      const ticket = (await makeTicket(t, { accountId: a.id, channel: 'phone' }, agent)).body;
      await request(t.http).post(`/api/tickets/${ticket.id}/classify`).set(agent.auth).send({ fault: 'client', incidentTypeId: type.id }).expect(200);
      const items = await auditOf(t, 'ticket', ticket.id, manager);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ actorId: agent.id, entityType: 'ticket', entityId: ticket.id, action: expect.stringMatching(/classif/) });
      expect(items[0].before).toMatchObject({ fault: 'undetermined', charge: expect.objectContaining({ kind: 'none' }) });
      expect(items[0].after).toMatchObject({ fault: 'client', incidentTypeId: type.id, charge: expect.objectContaining({ kind: 'points', points: 2 }) });
      // The same classification again changes nothing and records nothing.
      await request(t.http).post(`/api/tickets/${ticket.id}/classify`).set(agent.auth).send({ fault: 'client', incidentTypeId: type.id }).expect(200);
      expect(await auditOf(t, 'ticket', ticket.id, manager)).toHaveLength(1);
    });

    it('records incident type changes', async () => {
      const type = await makeIncidentType(t, 3);
      await request(t.http).patch(`/api/incident-types/${type.id}`).set(manager.auth).send({ points: 4 }).expect(200);
      const items = await auditOf(t, 'incident_type', type.id, manager);
      expect(items.map((x) => x.action)).toEqual([expect.stringMatching(/update/), expect.stringMatching(/create/)]);
      expect(items[0]).toMatchObject({ actorId: manager.id });
      expect(items[0].before).toMatchObject({ points: 3 });
      expect(items[0].after).toMatchObject({ points: 4 });
    });

    it('filters the audit log by entity and pages it', async () => {
      const a = await makeAccount(t);
      for (let i = 1; i <= 3; i++) await grant(t, a.id, i);
      const all = await request(t.http).get('/api/audit').query({ entityType: 'account', entityId: a.id }).set(manager.auth);
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(4); // create + 3 grants
      expect(all.body.items.every((x: { entityId: string }) => x.entityId === a.id)).toBe(true);
      const page = await request(t.http).get('/api/audit').query({ entityType: 'account', entityId: a.id, limit: 2, offset: 1 }).set(manager.auth);
      expect(page.body.total).toBe(4);
      expect(page.body.items).toEqual(all.body.items.slice(1, 3));
      const none = await request(t.http).get('/api/audit').query({ entityType: 'account', entityId: '999999' }).set(manager.auth);
      expect(none.body).toEqual({ items: [], total: 0 });
    });
  });
});
