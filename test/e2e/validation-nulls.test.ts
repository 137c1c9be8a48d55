/*
 * Nulls for required (NOT NULL) fields on PATCH endpoints, impossible
 * calendar dates and blank names reach the database or the service and come
 * back as 500 (or are stored). PRODUCT.md rule 7 / API.md Conventions:
 * "validation errors are 400 and message names each bad field ... Never 500
 * for bad input".
 */
import request from 'supertest';
import { makeAccount, makeIncidentType, makeTicket } from '../factories';
import { expectNothingWritten, messageOf } from '../factories/db';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('nulls, impossible dates and blank names are 400, never 500', () => {
  let t: TestApp;
  let acc: { id: string };
  let typeId: string;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    acc = await makeAccount(t);
    typeId = (await makeIncidentType(t, 1)).id;
    ticketId = (await makeTicket(t, { accountId: acc.id, channel: 'email' })).body.id;
  });
  afterAll(async () => { await t.close(); });

  const reject = async (method: 'post' | 'patch', url: () => string, body: object, field: string) => {
    await expectNothingWritten(t, async () => {
      const res = await request(t.http)[method](url()).set(t.admin.auth).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(messageOf(res.body)).toContain(field);
    });
  };

  const cases: [string, 'post' | 'patch', () => string, object, string][] = [
    // src/accounts/dto/account.dto.ts UpdateAccountDto + accounts.service.ts update(): patch.name.trim() on null
    ['PATCH account name null', 'patch', () => `/api/accounts/${acc.id}`, { name: null }, 'name'],
    // favoured NOT NULL
    ['PATCH account favoured null', 'patch', () => `/api/accounts/${acc.id}`, { favoured: null }, 'favoured'],
    // DATE regex accepts impossible days
    ['POST account customerSince 2023-02-30', 'post', () => '/api/accounts', { name: 'Leap', customerSince: '2023-02-30' }, 'customerSince'],
    ['PATCH account customerSince 2023-02-31', 'patch', () => `/api/accounts/${acc.id}`, { customerSince: '2023-02-31' }, 'customerSince'],
    ['PATCH policy enforceFrom 2026-02-30', 'patch', () => '/api/policy', { enforceFrom: '2026-02-30' }, 'enforceFrom'],
    // Length(1, 200) counts spaces; the service trims to '' and stores a nameless account
    ['POST account with a blank name', 'post', () => '/api/accounts', { name: '   ' }, 'name'],
    ['PATCH account with a blank name', 'patch', () => `/api/accounts/${acc.id}`, { name: '   ' }, 'name'],
    // src/policy/dto/update-policy.dto.ts: nulls spread over the policy row (NOT NULL) or .join() on null
    ['PATCH policy currency null', 'patch', () => '/api/policy', { currency: null }, 'currency'],
    ['PATCH policy chargeableChannels null', 'patch', () => '/api/policy', { chargeableChannels: null }, 'chargeableChannels'],
    ['PATCH policy defaultIncidentPoints null', 'patch', () => '/api/policy', { defaultIncidentPoints: null }, 'defaultIncidentPoints'],
    ['PATCH policy providerFaultBonusPoints null', 'patch', () => '/api/policy', { providerFaultBonusPoints: null }, 'providerFaultBonusPoints'],
    ['PATCH policy lowBalanceThreshold null', 'patch', () => '/api/policy', { lowBalanceThreshold: null }, 'lowBalanceThreshold'],
    ['PATCH policy perIncidentFeeCents null', 'patch', () => '/api/policy', { perIncidentFeeCents: null }, 'perIncidentFeeCents'],
    ['PATCH policy onShortfall null', 'patch', () => '/api/policy', { onShortfall: null }, 'onShortfall'],
    // src/incident-types/dto/incident-type.dto.ts UpdateIncidentTypeDto
    ['PATCH incident type name null', 'patch', () => `/api/incident-types/${typeId}`, { name: null }, 'name'],
    ['PATCH incident type code null', 'patch', () => `/api/incident-types/${typeId}`, { code: null }, 'code'],
    ['PATCH incident type points null', 'patch', () => `/api/incident-types/${typeId}`, { points: null }, 'points'],
    ['PATCH incident type active null', 'patch', () => `/api/incident-types/${typeId}`, { active: null }, 'active'],
    // src/tickets/dto/ticket.dto.ts UpdateTicketDto
    ['PATCH ticket subject null', 'patch', () => `/api/tickets/${ticketId}`, { subject: null }, 'subject'],
    ['PATCH ticket priority null', 'patch', () => `/api/tickets/${ticketId}`, { priority: null }, 'priority'],
  ];

  it.each(cases)('%s → 400 naming the field, nothing written', async (_name, method, url, body, field) => {
    await reject(method, url, body, field);
  });
});
