import request from 'supertest';
import { TestApp, TestUser } from '../helpers/test-app';

let n = 0;

/** Creates an account through the API (as the admin) and returns its view. */
export async function makeAccount(
  t: TestApp,
  overrides: { name?: string; favoured?: boolean; customerSince?: string; contacts?: { name: string; email: string; phone?: string }[] } = {},
) {
  const i = ++n;
  const res = await request(t.http).post('/api/accounts').set(t.admin.auth).send({
    name: overrides.name ?? `Account ${i} ${process.pid}`,
    favoured: overrides.favoured,
    customerSince: overrides.customerSince,
    contacts: overrides.contacts ?? [{ name: `Contact ${i}`, email: `contact${i}.${process.pid}@client.test`, phone: `+1 555 01${String(i).padStart(2, '0')}` }],
  });
  if (res.status !== 201) throw new Error(`makeAccount: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; balance: number; contacts: { id: string; email: string }[] };
}

/** Grants points to an account (as the admin). */
export async function grant(t: TestApp, accountId: string, points: number) {
  const res = await request(t.http).post(`/api/accounts/${accountId}/points/grants`).set(t.admin.auth).send({ points, reason: 'test grant' });
  if (res.status !== 201) throw new Error(`grant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function makeIncidentType(t: TestApp, points: number, code?: string) {
  const res = await request(t.http).post('/api/incident-types').set(t.admin.auth)
    .send({ code: code ?? `type-${++n}-${process.pid}`, name: `Type ${n} (${points} points)`, points });
  if (res.status !== 201) throw new Error(`makeIncidentType: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; code: string; points: number };
}

export async function setPolicy(t: TestApp, patch: Record<string, unknown>) {
  const res = await request(t.http).patch('/api/policy').set(t.admin.auth).send(patch);
  if (res.status !== 200) throw new Error(`setPolicy: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Logs a call through the API as the given user (admin by default). */
export async function makeTicket(t: TestApp, body: Record<string, unknown>, as?: TestUser) {
  return request(t.http).post('/api/tickets').set((as ?? t.admin).auth).send({ channel: 'phone', subject: 'Printer offline', ...body });
}

export async function balanceOf(t: TestApp, accountId: string): Promise<number> {
  const res = await request(t.http).get(`/api/accounts/${accountId}/points`).set(t.admin.auth);
  return res.body.balance;
}

export * from './letters';
export * from './reports';
