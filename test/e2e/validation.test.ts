import request from 'supertest';
import { balanceOf, grant, makeAccount, makeIncidentType, makeTicket } from '../factories';
import { counts, expectNothingWritten, ledgerRows, messageOf, tag } from '../factories/db';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

/**
 * Bad input gets a 4xx whose message names the field — never a 500, never a
 * half-written change. Every case below is sent, then every guarded table is
 * compared with what it held before.
 */
describe('validation', () => {
  let t: TestApp;
  let manager: TestUser;
  let acc: { id: string };
  let ticketId: string;
  let activeType: { id: string; code: string };
  let inactiveType: { id: string; code: string };

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    acc = await makeAccount(t);
    await grant(t, acc.id, 3);
    activeType = await makeIncidentType(t, 2);
    inactiveType = await makeIncidentType(t, 2);
    await request(t.http).patch(`/api/incident-types/${inactiveType.id}`).set(t.admin.auth).send({ active: false }).expect(200);
    ticketId = (await makeTicket(t, { accountId: acc.id, channel: 'email' })).body.id;
  });
  afterAll(async () => { await t.close(); });
  afterEach(async () => { await expectLedgerInvariants(t.dataSource); });

  interface Case {
    name: string;
    method: 'get' | 'post' | 'patch';
    url: () => string;
    /** The JSON body, or a function building it once the fixtures exist. */
    body?: unknown;
    /** A raw JSON string sent as application/json (for malformed bodies). */
    raw?: string;
    /** Each must appear in the error message. */
    fields: string[];
    status?: number | number[];
  }

  const send = async (c: Case, as: TestUser = t.admin) => {
    let req = request(t.http)[c.method](c.url()).set(as.auth);
    if (c.raw !== undefined) req = req.set('Content-Type', 'application/json').send(c.raw);
    else if (c.body !== undefined) req = req.send((typeof c.body === 'function' ? c.body() : c.body) as object);
    return req;
  };

  const expectRejected = async (c: Case) => {
    await expectNothingWritten(t, async () => {
      const res = await send(c);
      const allowed = [c.status ?? 400].flat();
      if (!allowed.includes(res.status)) {
        throw new Error(`${c.method.toUpperCase()} ${c.url()} ${c.raw ?? JSON.stringify(typeof c.body === 'function' ? c.body() : c.body)}: expected ${allowed.join('/')}, got ${res.status} ${JSON.stringify(res.body)}`);
      }
      expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String) });
      const msg = messageOf(res.body);
      for (const f of c.fields) expect({ field: f, message: msg }).toEqual({ field: f, message: expect.stringContaining(f) });
    });
  };

  const long = (n: number) => 'x'.repeat(n);
  const accountUrl = () => `/api/accounts/${acc.id}`;
  const grantsUrl = () => `/api/accounts/${acc.id}/points/grants`;
  const adjustUrl = () => `/api/accounts/${acc.id}/points/adjustments`;
  const ticketUrl = (suffix = '') => () => `/api/tickets/${ticketId}${suffix}`;
  const newTicket = (extra: object) => ({ accountId: acc.id, channel: 'phone', subject: 'Cannot print', ...extra });

  const cases: Case[] = [
    // Auth and users
    { name: 'login without email and password', method: 'post', url: () => '/api/auth/login', body: {}, fields: ['email', 'password'] },
    { name: 'login with a numeric password', method: 'post', url: () => '/api/auth/login', body: { email: 'a@b.test', password: 5 }, fields: ['password'] },
    { name: 'login with an unknown field', method: 'post', url: () => '/api/auth/login', body: { email: 'a@b.test', password: 'whatever-1', remember: true }, fields: ['remember'] },
    { name: 'user without any field', method: 'post', url: () => '/api/users', body: {}, fields: ['email', 'name', 'role', 'password'] },
    { name: 'user with an unknown role', method: 'post', url: () => '/api/users', body: { email: 'r@staff.test', name: 'R', role: 'root', password: 'long-enough-1' }, fields: ['role'] },
    { name: 'client user without accountId', method: 'post', url: () => '/api/users', body: { email: 'c@client.test', name: 'C', role: 'client', password: 'long-enough-1' }, fields: ['accountId'] },
    { name: 'client user with an account that does not exist', method: 'post', url: () => '/api/users', body: { email: 'c2@client.test', name: 'C', role: 'client', password: 'long-enough-1', accountId: '999999' }, fields: ['accountId'], status: [400, 404] },
    { name: 'staff user with an accountId', method: 'post', url: () => '/api/users', body: { email: 's@staff.test', name: 'S', role: 'agent', password: 'long-enough-1', accountId: '1' }, fields: ['accountId'] },
    { name: 'user with a short password', method: 'post', url: () => '/api/users', body: { email: 'p@staff.test', name: 'P', role: 'agent', password: 'short' }, fields: ['password'] },
    { name: 'user with a malformed email', method: 'post', url: () => '/api/users', body: { email: 'not-an-email', name: 'P', role: 'agent', password: 'long-enough-1' }, fields: ['email'] },
    { name: 'user with an unknown field', method: 'post', url: () => '/api/users', body: { email: 'q@staff.test', name: 'Q', role: 'agent', password: 'long-enough-1', isSuperuser: true }, fields: ['isSuperuser'] },
    { name: 'users page over 200', method: 'get', url: () => '/api/users?limit=201', fields: ['limit'] },

    // Accounts
    { name: 'account without a name', method: 'post', url: () => '/api/accounts', body: {}, fields: ['name'] },
    { name: 'account with an empty name', method: 'post', url: () => '/api/accounts', body: { name: '' }, fields: ['name'] },
    { name: 'account with a 201-character name', method: 'post', url: () => '/api/accounts', body: { name: long(201) }, fields: ['name'] },
    { name: 'account with month 13 in customerSince', method: 'post', url: () => '/api/accounts', body: { name: 'Bad date', customerSince: '2015-13-01' }, fields: ['customerSince'] },
    { name: 'account with a non-ISO customerSince', method: 'post', url: () => '/api/accounts', body: { name: 'Bad date', customerSince: '15/03/2015' }, fields: ['customerSince'] },
    { name: 'account with a string favoured', method: 'post', url: () => '/api/accounts', body: { name: 'Bad flag', favoured: 'yes' }, fields: ['favoured'] },
    { name: 'account with contacts not a list', method: 'post', url: () => '/api/accounts', body: { name: 'Bad contacts', contacts: 'x' }, fields: ['contacts'] },
    { name: 'account contact without email', method: 'post', url: () => '/api/accounts', body: { name: 'Bad contacts', contacts: [{ name: 'A' }] }, fields: ['email'] },
    { name: 'account contact with a malformed email', method: 'post', url: () => '/api/accounts', body: { name: 'Bad contacts', contacts: [{ name: 'A', email: 'bad' }] }, fields: ['email'] },
    { name: 'account contact with letters in the phone', method: 'post', url: () => '/api/accounts', body: { name: 'Bad contacts', contacts: [{ name: 'A', email: 'a@b.test', phone: 'call me' }] }, fields: ['phone'] },
    { name: 'account contact with an unknown field', method: 'post', url: () => '/api/accounts', body: { name: 'Bad contacts', contacts: [{ name: 'A', email: 'a@b.test', fax: '1' }] }, fields: ['fax'] },
    { name: 'account with an unknown field (balance)', method: 'post', url: () => '/api/accounts', body: { name: 'Sneaky', balance: 500 }, fields: ['balance'] },
    { name: 'account patch with an empty name', method: 'patch', url: accountUrl, body: { name: '' }, fields: ['name'] },
    { name: 'account patch with a string favoured', method: 'patch', url: accountUrl, body: { favoured: 'x' }, fields: ['favoured'] },
    { name: 'account patch with a word for customerSince', method: 'patch', url: accountUrl, body: { customerSince: 'yesterday' }, fields: ['customerSince'] },
    { name: 'account patch trying to set status', method: 'patch', url: accountUrl, body: { status: 'closed' }, fields: ['status'] },
    { name: 'account patch trying to set the balance', method: 'patch', url: accountUrl, body: { balance: 1000 }, fields: ['balance'] },
    { name: 'contact without name and email', method: 'post', url: () => `/api/accounts/${acc.id}/contacts`, body: {}, fields: ['name', 'email'] },
    { name: 'contact with a malformed email', method: 'post', url: () => `/api/accounts/${acc.id}/contacts`, body: { name: 'X', email: 'x@' }, fields: ['email'] },
    { name: 'contact with an unknown field', method: 'post', url: () => `/api/accounts/${acc.id}/contacts`, body: { name: 'X', email: 'x@y.test', primary: true }, fields: ['primary'] },
    { name: 'close without reason', method: 'post', url: () => `/api/accounts/${acc.id}/close`, body: {}, fields: ['reason'] },
    { name: 'close with a 2-character reason', method: 'post', url: () => `/api/accounts/${acc.id}/close`, body: { reason: 'ab' }, fields: ['reason'] },
    { name: 'close with a 501-character reason', method: 'post', url: () => `/api/accounts/${acc.id}/close`, body: { reason: long(501) }, fields: ['reason'] },
    { name: 'account search with an unknown status', method: 'get', url: () => '/api/accounts?status=open', fields: ['status'] },
    { name: 'account search with favoured=maybe', method: 'get', url: () => '/api/accounts?favoured=maybe', fields: ['favoured'] },
    { name: 'account search with lowBalance=perhaps', method: 'get', url: () => '/api/accounts?lowBalance=perhaps', fields: ['lowBalance'] },
    { name: 'account search with limit=0', method: 'get', url: () => '/api/accounts?limit=0', fields: ['limit'] },
    { name: 'account search with limit=201', method: 'get', url: () => '/api/accounts?limit=201', fields: ['limit'] },
    { name: 'account search with limit=abc', method: 'get', url: () => '/api/accounts?limit=abc', fields: ['limit'] },
    { name: 'account search with offset=-1', method: 'get', url: () => '/api/accounts?offset=-1', fields: ['offset'] },
    { name: 'account search with a 201-character q', method: 'get', url: () => `/api/accounts?q=${long(201)}`, fields: ['q'] },

    // Point bank
    ...([0, 10001, 'x', 1.5, '5', null] as unknown[]).map((points): Case => (
      { name: `grant of ${JSON.stringify(points)} points`, method: 'post', url: grantsUrl, body: { points, reason: 'goodwill' }, fields: ['points'] })),
    { name: 'grant without points', method: 'post', url: grantsUrl, body: { reason: 'goodwill' }, fields: ['points'] },
    { name: 'grant without reason', method: 'post', url: grantsUrl, body: { points: 1 }, fields: ['reason'] },
    { name: 'grant with a 2-character reason', method: 'post', url: grantsUrl, body: { points: 1, reason: 'ab' }, fields: ['reason'] },
    { name: 'grant with a 501-character reason', method: 'post', url: grantsUrl, body: { points: 1, reason: long(501) }, fields: ['reason'] },
    { name: 'grant with a numeric reason', method: 'post', url: grantsUrl, body: { points: 1, reason: 12345 }, fields: ['reason'] },
    { name: 'grant with an unknown field', method: 'post', url: grantsUrl, body: { points: 1, reason: 'goodwill', kind: 'purchase' }, fields: ['kind'] },
    ...([0, 'x', 1.5, null] as unknown[]).map((delta): Case => (
      { name: `adjustment of ${JSON.stringify(delta)}`, method: 'post', url: adjustUrl, body: { delta, reason: 'correction' }, fields: ['delta'] })),
    { name: 'adjustment without delta', method: 'post', url: adjustUrl, body: { reason: 'correction' }, fields: ['delta'] },
    { name: 'adjustment with a 2-character reason', method: 'post', url: adjustUrl, body: { delta: 1, reason: 'ab' }, fields: ['reason'] },
    { name: 'adjustment with a 501-character reason', method: 'post', url: adjustUrl, body: { delta: 1, reason: long(501) }, fields: ['reason'] },
    { name: 'adjustment with an unknown field', method: 'post', url: adjustUrl, body: { delta: 1, reason: 'correction', balanceAfter: 99 }, fields: ['balanceAfter'] },
    { name: 'points page over 200', method: 'get', url: () => `/api/accounts/${acc.id}/points?limit=201`, fields: ['limit'] },

    // Policy
    { name: 'policy with an unknown channel', method: 'patch', url: () => '/api/policy', body: { chargeableChannels: ['fax'] }, fields: ['chargeableChannels'] },
    { name: 'policy with channels not a list', method: 'patch', url: () => '/api/policy', body: { chargeableChannels: 'phone' }, fields: ['chargeableChannels'] },
    { name: 'policy with a channel twice', method: 'patch', url: () => '/api/policy', body: { chargeableChannels: ['phone', 'phone'] }, fields: ['chargeableChannels'] },
    ...([-1, 101, '1', 1.5] as unknown[]).map((v): Case => (
      { name: `policy defaultIncidentPoints ${JSON.stringify(v)}`, method: 'patch', url: () => '/api/policy', body: { defaultIncidentPoints: v }, fields: ['defaultIncidentPoints'] })),
    { name: 'policy negative providerFaultBonusPoints', method: 'patch', url: () => '/api/policy', body: { providerFaultBonusPoints: -1 }, fields: ['providerFaultBonusPoints'] },
    { name: 'policy negative lowBalanceThreshold', method: 'patch', url: () => '/api/policy', body: { lowBalanceThreshold: -1 }, fields: ['lowBalanceThreshold'] },
    { name: 'policy negative perIncidentFeeCents', method: 'patch', url: () => '/api/policy', body: { perIncidentFeeCents: -1 }, fields: ['perIncidentFeeCents'] },
    { name: 'policy fractional perIncidentFeeCents', method: 'patch', url: () => '/api/policy', body: { perIncidentFeeCents: 74.5 }, fields: ['perIncidentFeeCents'] },
    { name: 'policy unknown currency', method: 'patch', url: () => '/api/policy', body: { currency: 'XYZ' }, fields: ['currency'] },
    { name: 'policy lower-case currency', method: 'patch', url: () => '/api/policy', body: { currency: 'usd' }, fields: ['currency'] },
    { name: 'policy currency as a word', method: 'patch', url: () => '/api/policy', body: { currency: 'dollars' }, fields: ['currency'] },
    { name: 'policy unknown onShortfall', method: 'patch', url: () => '/api/policy', body: { onShortfall: 'maybe' }, fields: ['onShortfall'] },
    { name: 'policy enforceFrom month 13', method: 'patch', url: () => '/api/policy', body: { enforceFrom: '2026-13-01' }, fields: ['enforceFrom'] },
    { name: 'policy enforceFrom as a word', method: 'patch', url: () => '/api/policy', body: { enforceFrom: 'soon' }, fields: ['enforceFrom'] },
    { name: 'policy enforceFrom as a number', method: 'patch', url: () => '/api/policy', body: { enforceFrom: 20260101 }, fields: ['enforceFrom'] },
    { name: 'policy with an unknown field', method: 'patch', url: () => '/api/policy', body: { chargeEveryone: true }, fields: ['chargeEveryone'] },
    { name: 'policy with one bad value among good ones', method: 'patch', url: () => '/api/policy', body: { defaultIncidentPoints: 3, onShortfall: 'block', currency: 'EUR', lowBalanceThreshold: -5 }, fields: ['lowBalanceThreshold'] },

    // Incident types
    { name: 'incident type without fields', method: 'post', url: () => '/api/incident-types', body: {}, fields: ['code', 'name', 'points'] },
    { name: 'incident type with spaces in code', method: 'post', url: () => '/api/incident-types', body: { code: 'Bad Code', name: 'X', points: 1 }, fields: ['code'] },
    ...([101, -1, 'x', 2.5] as unknown[]).map((points): Case => (
      { name: `incident type of ${JSON.stringify(points)} points`, method: 'post', url: () => '/api/incident-types', body: { code: `pts-${tag()}`, name: 'X', points }, fields: ['points'] })),
    { name: 'incident type with an empty name', method: 'post', url: () => '/api/incident-types', body: { code: `nm-${tag()}`, name: '', points: 1 }, fields: ['name'] },
    { name: 'incident type with an unknown field', method: 'post', url: () => '/api/incident-types', body: { code: `uf-${tag()}`, name: 'X', points: 1, colour: 'red' }, fields: ['colour'] },
    { name: 'incident type patch with a string active', method: 'patch', url: () => `/api/incident-types/${activeType.id}`, body: { active: 'no' }, fields: ['active'] },
    { name: 'incident type patch with 101 points', method: 'patch', url: () => `/api/incident-types/${activeType.id}`, body: { points: 101 }, fields: ['points'] },
    { name: 'incident type patch with an upper-case code', method: 'patch', url: () => `/api/incident-types/${activeType.id}`, body: { code: 'UPPER' }, fields: ['code'] },

    // Tickets
    { name: 'ticket without fields', method: 'post', url: () => '/api/tickets', body: {}, fields: ['accountId', 'channel', 'subject'] },
    { name: 'ticket on channel fax', method: 'post', url: () => '/api/tickets', body: () => newTicket({ channel: 'fax' }), fields: ['channel'] },
    { name: 'ticket with fault maybe', method: 'post', url: () => '/api/tickets', body: () => newTicket({ fault: 'maybe' }), fields: ['fault'] },
    { name: 'ticket with priority urgent', method: 'post', url: () => '/api/tickets', body: () => newTicket({ priority: 'urgent' }), fields: ['priority'] },
    { name: 'ticket with an empty subject', method: 'post', url: () => '/api/tickets', body: () => newTicket({ subject: '' }), fields: ['subject'] },
    { name: 'ticket without subject', method: 'post', url: () => '/api/tickets', body: () => ({ accountId: acc.id, channel: 'phone' }), fields: ['subject'] },
    { name: 'ticket with a 201-character subject', method: 'post', url: () => '/api/tickets', body: () => newTicket({ subject: long(201) }), fields: ['subject'] },
    { name: 'ticket with a 10001-character description', method: 'post', url: () => '/api/tickets', body: () => newTicket({ description: long(10001) }), fields: ['description'] },
    { name: 'ticket with an inactive incident type', method: 'post', url: () => '/api/tickets', body: () => newTicket({ fault: 'client', incidentTypeId: inactiveType.id }), fields: ['incidentTypeId'] },
    { name: 'ticket with an unknown incident type', method: 'post', url: () => '/api/tickets', body: () => newTicket({ fault: 'client', incidentTypeId: '999999' }), fields: ['incidentTypeId'], status: 404 },
    { name: 'ticket with a non-id incident type', method: 'post', url: () => '/api/tickets', body: () => newTicket({ fault: 'client', incidentTypeId: 'abc' }), fields: ['incidentTypeId'], status: 404 },
    { name: 'ticket with a numeric incidentTypeId', method: 'post', url: () => '/api/tickets', body: () => newTicket({ incidentTypeId: 5 }), fields: ['incidentTypeId'] },
    { name: 'ticket with a numeric accountId', method: 'post', url: () => '/api/tickets', body: () => newTicket({ accountId: 5 }), fields: ['accountId'] },
    { name: 'ticket with an unknown field', method: 'post', url: () => '/api/tickets', body: () => newTicket({ charge: { kind: 'waived' } }), fields: ['charge'] },
    { name: 'ticket body that is a list', method: 'post', url: () => '/api/tickets', body: [], fields: [] },
    { name: 'classify without fault', method: 'post', url: ticketUrl('/classify'), body: {}, fields: ['fault'] },
    { name: 'classify with fault x', method: 'post', url: ticketUrl('/classify'), body: { fault: 'x' }, fields: ['fault'] },
    { name: 'classify with an inactive incident type', method: 'post', url: ticketUrl('/classify'), body: () => ({ fault: 'client', incidentTypeId: inactiveType.id }), fields: ['incidentTypeId'] },
    { name: 'classify with an unknown field', method: 'post', url: ticketUrl('/classify'), body: { fault: 'client', waive: true }, fields: ['waive'] },
    { name: 'resolve without resolution', method: 'post', url: ticketUrl('/resolve'), body: {}, fields: ['resolution'] },
    { name: 'resolve with an empty resolution', method: 'post', url: ticketUrl('/resolve'), body: { resolution: '' }, fields: ['resolution'] },
    { name: 'resolve with fault x', method: 'post', url: ticketUrl('/resolve'), body: { resolution: 'Done', fault: 'x' }, fields: ['fault'] },
    { name: 'ticket patch with priority x', method: 'patch', url: ticketUrl(), body: { priority: 'x' }, fields: ['priority'] },
    { name: 'ticket patch with channel fax', method: 'patch', url: ticketUrl(), body: { channel: 'fax' }, fields: ['channel'] },
    { name: 'ticket patch with an inactive incident type', method: 'patch', url: ticketUrl(), body: () => ({ incidentTypeId: inactiveType.id }), fields: ['incidentTypeId'] },
    { name: 'ticket patch trying to set status', method: 'patch', url: ticketUrl(), body: { status: 'resolved' }, fields: ['status'] },
    { name: 'ticket list with status closed', method: 'get', url: () => '/api/tickets?status=closed', fields: ['status'] },
    { name: 'ticket list with fault x', method: 'get', url: () => '/api/tickets?fault=x', fields: ['fault'] },
    { name: 'ticket list with limit 1000', method: 'get', url: () => '/api/tickets?limit=1000', fields: ['limit'] },
    { name: 'audit list with limit 500', method: 'get', url: () => '/api/audit?limit=500', fields: ['limit'] },

    // Malformed JSON
    ...([['post', '/api/auth/login'], ['post', '/api/accounts'], ['post', '/api/tickets'], ['patch', '/api/policy'], ['post', '/api/incident-types'], ['post', '/api/users']] as const)
      .map(([method, url]): Case => ({ name: `malformed JSON to ${method.toUpperCase()} ${url}`, method, url: () => url, raw: '{"name": "Acme", ', fields: ['JSON'] })),
    { name: 'malformed JSON to a grant', method: 'post', url: grantsUrl, raw: '{points: 5}', fields: ['JSON'] },
  ];

  it.each(cases)('rejects $name', async (c) => { await expectRejected(c); });

  it('does not let an adjustment take the balance below zero: 409 and nothing written', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 3);
    const ledger = await ledgerRows(t, a.id);
    await expectNothingWritten(t, async () => {
      const res = await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -4, reason: 'over-correction' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    });
    expect(await balanceOf(t, a.id)).toBe(3);
    expect(await ledgerRows(t, a.id)).toEqual(ledger);
    // Down to exactly zero is allowed.
    const ok = await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -3, reason: 'correction' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'adjustment', delta: -3, balanceAfter: 0 });
    await expectNothingWritten(t, async () => {
      const res = await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(manager.auth).send({ delta: -1, reason: 'correction' });
      expect(res.status).toBe(409);
    });
  });

  it('refuses a duplicate incident type code with 409, on create and on rename', async () => {
    const code = `dup-${tag()}`;
    const first = await request(t.http).post('/api/incident-types').set(manager.auth).send({ code, name: 'First', points: 1 });
    expect(first.status).toBe(201);
    const other = await makeIncidentType(t, 1);
    await expectNothingWritten(t, async () => {
      const dup = await request(t.http).post('/api/incident-types').set(manager.auth).send({ code, name: 'Second', points: 2 });
      expect(dup.status).toBe(409);
      expect(messageOf(dup.body)).toContain(code);
      const rename = await request(t.http).patch(`/api/incident-types/${other.id}`).set(manager.auth).send({ code });
      expect(rename.status).toBe(409);
    });
    const list = await request(t.http).get('/api/incident-types').set(manager.auth);
    expect(list.body.filter((x: { code: string }) => x.code === code)).toHaveLength(1);
  });

  it('refuses a duplicate user email with 409, whatever its case', async () => {
    const email = `dup.${tag()}@staff.test`;
    const first = await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: 'First', role: 'agent', password: 'long-enough-1' });
    expect(first.status).toBe(201);
    for (const again of [email, email.toUpperCase()]) {
      await expectNothingWritten(t, async () => {
        const dup = await request(t.http).post('/api/users').set(t.admin.auth).send({ email: again, name: 'Second', role: 'manager', password: 'long-enough-2' });
        expect({ again, status: dup.status }).toEqual({ again, status: 409 });
      });
    }
  });

  it('still serves the next request normally after a burst of bad ones', async () => {
    const before = await counts(t);
    const res = await request(t.http).post(`/api/accounts/${acc.id}/points/grants`).set(manager.auth).send({ points: 2, reason: 'after the storm' });
    expect(res.status).toBe(201);
    expect((await counts(t)).ledger_entries).toBe(before.ledger_entries + 1);
  });
});

/**
 * Values of the right JSON shape but wrong meaning, and nulls for required
 * columns: each must be a 400 naming the field, never a 500.
 */
describe('validation of nulls and impossible dates', () => {
  let t: TestApp;
  let acc: { id: string };
  let type: { id: string };
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    acc = await makeAccount(t);
    type = await makeIncidentType(t, 1);
    ticketId = (await makeTicket(t, { accountId: acc.id, channel: 'email' })).body.id;
  });
  afterAll(async () => { await t.close(); });

  const reject = async (method: 'post' | 'patch', url: string, body: object, field: string) => {
    await expectNothingWritten(t, async () => {
      const res = await request(t.http)[method](url).set(t.admin.auth).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(messageOf(res.body)).toContain(field);
    });
  };

  it('refuses a null grant, adjustment or reason', async () => {
    await reject('post', `/api/accounts/${acc.id}/points/grants`, { points: 1, reason: null }, 'reason');
    await reject('post', `/api/accounts/${acc.id}/points/adjustments`, { delta: 1, reason: null }, 'reason');
    await reject('post', `/api/accounts/${acc.id}/close`, { reason: null }, 'reason');
  });

  it('refuses null for required ticket fields on create', async () => {
    await reject('post', '/api/tickets', { accountId: acc.id, channel: null, subject: 'X' }, 'channel');
    await reject('post', '/api/tickets', { accountId: acc.id, channel: 'phone', subject: null }, 'subject');
    await reject('post', '/api/tickets', { accountId: null, channel: 'phone', subject: 'X' }, 'accountId');
  });

  it('accepts null where null means "none": customerSince, enforceFrom, a ticket\'s incident type', async () => {
    const a = await request(t.http).patch(`/api/accounts/${acc.id}`).set(t.admin.auth).send({ customerSince: null });
    expect(a.status).toBe(200);
    expect(a.body.customerSince).toBeNull();
    const p = await request(t.http).patch('/api/policy').set(t.admin.auth).send({ enforceFrom: null });
    expect(p.status).toBe(200);
    expect(p.body.enforceFrom).toBeNull();
    const tk = await request(t.http).patch(`/api/tickets/${ticketId}`).set(t.admin.auth).send({ incidentTypeId: null });
    expect(tk.status).toBe(200);
    expect(tk.body.incidentTypeId).toBeNull();
    void type;
  });
});
