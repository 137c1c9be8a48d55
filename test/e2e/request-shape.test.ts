import request from 'supertest';
import { grant, makeAccount, makeIncidentType, makeLetter, makeTicket } from '../factories';
import { counts, expectNothingWritten, messageOf } from '../factories/db';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

/**
 * API.md's Conventions at the edges of a request: ids are opaque strings (an
 * id that names nothing is 404 whatever its shape), unknown body fields are a
 * 400 also on actions that take no body, an empty PATCH changes nothing, and
 * a list filter sent empty is the same as left out.
 */
describe('request shape', () => {
  let t: TestApp;
  let manager: TestUser;
  let acc: { id: string };
  let ticketId: string;
  let type: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    acc = await makeAccount(t);
    await grant(t, acc.id, 5);
    type = await makeIncidentType(t, 2);
    ticketId = (await makeTicket(t, { accountId: acc.id, channel: 'email' })).body.id;
  });
  afterAll(async () => { await t.close(); });

  /** Other spellings of the same number: each must name nothing. */
  const spellings = (id: string) => [
    `0x${Number(id).toString(16)}`, `${id}e0`, `0${id}`, `+${id}`, `${id}.0`, `%20${id}`, `${id}%20`, `${id}abc`,
  ];

  it('answers 404 for any other spelling of an existing id, naming it as sent', async () => {
    for (const s of spellings(acc.id)) {
      const res = await request(t.http).get(`/api/accounts/${s}`).set(manager.auth);
      expect({ s, status: res.status }).toEqual({ s, status: 404 });
      expect(messageOf(res.body)).toContain(`account ${decodeURIComponent(s)} not found`);
    }
    for (const s of spellings(ticketId)) {
      const res = await request(t.http).get(`/api/tickets/${s}`).set(manager.auth);
      expect({ s, status: res.status }).toEqual({ s, status: 404 });
    }
    const plain = await request(t.http).get(`/api/accounts/${acc.id}`).set(manager.auth);
    expect(plain.status).toBe(200);
  });

  it('writes nothing through another spelling of an id', async () => {
    for (const s of spellings(acc.id)) {
      await expectNothingWritten(t, async () => {
        const res = await request(t.http).post(`/api/accounts/${s}/points/grants`).set(manager.auth).send({ points: 1, reason: 'other spelling' });
        expect({ s, status: res.status }).toEqual({ s, status: 404 });
      });
    }
    for (const s of spellings(type.id)) {
      await expectNothingWritten(t, async () => {
        const res = await request(t.http).patch(`/api/incident-types/${s}`).set(manager.auth).send({ name: 'Renamed' });
        expect({ s, status: res.status }).toEqual({ s, status: 404 });
      });
    }
  });

  it('refuses a field sent to an action that takes no body, and does nothing', async () => {
    const client = await t.user('client', acc.id);
    await expectNothingWritten(t, async () => {
      const res = await request(t.http).post(`/api/accounts/${acc.id}/terms/accept`).set(client.auth).send({ foo: 1 });
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toContain('foo');
    });
    const letter = await makeLetter(t, {}, manager);
    const approve = await request(t.http).post(`/api/letters/${letter.id}/approve`).set(manager.auth).send({ foo: 1 });
    expect(approve.status).toBe(400);
    expect(messageOf(approve.body)).toContain('foo');
    expect((await request(t.http).get(`/api/letters/${letter.id}`).set(manager.auth)).body.status).toBe('draft');
    for (const url of ['/api/letters/999999/send', '/api/purchases/999999/cancel', '/api/purchases/999999/checkout', '/api/notifications/999999/retry']) {
      const res = await request(t.http).post(url).set(t.admin.auth).send({ foo: 1 });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(messageOf(res.body)).toContain('foo');
    }
    // Without a body, or with an empty one, the action runs as before.
    const accepted = await request(t.http).post(`/api/accounts/${acc.id}/terms/accept`).set(client.auth).send({});
    expect(accepted.status).toBe(200);
    expect(accepted.body.policyStatus).toBe('enrolled');
    const approved = await request(t.http).post(`/api/letters/${letter.id}/approve`).set(manager.auth);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
  });

  it('answers an empty PATCH with the resource unchanged, and audits nothing', async () => {
    const bundle = await request(t.http).post('/api/bundles').set(manager.auth)
      .send({ code: 'empty-patch', name: 'Buy 5 get 6', paidIncidents: 5, bonusIncidents: 1, priceCents: 30000 });
    expect(bundle.status).toBe(201);
    const letter = await makeLetter(t, {}, manager);
    const urls = [
      `/api/accounts/${acc.id}`, '/api/policy', `/api/incident-types/${type.id}`, `/api/tickets/${ticketId}`,
      `/api/bundles/${bundle.body.id}`, `/api/letters/${letter.id}`,
    ];
    for (const url of urls) {
      const before = (await counts(t)).audit_log;
      const res = await request(t.http).patch(url).set(t.admin.auth).send({});
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      const again = await request(t.http).get(url).set(t.admin.auth);
      // The incident types have no GET by id: their list holds the one patched.
      const current = again.status === 200 ? again.body : undefined;
      if (current) expect({ url, body: res.body }).toEqual({ url, body: current });
      expect({ url, audited: (await counts(t)).audit_log - before }).toEqual({ url, audited: 0 });
    }
    const types = await request(t.http).get('/api/incident-types').set(t.admin.auth);
    expect(types.body.find((x: { id: string }) => x.id === type.id)).toMatchObject({ id: type.id, points: 2, active: true });
  });

  it('treats a list filter sent empty as left out', async () => {
    const all = await request(t.http).get('/api/accounts').set(manager.auth);
    const empty = await request(t.http).get('/api/accounts?q=&status=&favoured=&lowBalance=').set(manager.auth);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(all.body);
    const tickets = await request(t.http).get('/api/tickets').set(manager.auth);
    const emptyTickets = await request(t.http).get('/api/tickets?accountId=&status=&fault=').set(manager.auth);
    expect(emptyTickets.status).toBe(200);
    expect(emptyTickets.body).toEqual(tickets.body);
    expect(emptyTickets.body.total).toBeGreaterThan(0);
  });
});
