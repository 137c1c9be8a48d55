import request from 'supertest';
import { startTestApp, TestApp } from '../helpers/test-app';

/** The OpenAPI document describes the answers too, with API.md's field names. */
describe('OpenAPI response schemas', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await request(t.http).get('/api/docs-json')).body;
  });
  afterAll(async () => { await t.close(); });

  const fields = (name: string) => Object.keys(doc.components.schemas[name].properties).sort();

  it.each([
    ['AccountView', ['id', 'name', 'customerSince', 'favoured', 'status', 'policyStatus', 'balance', 'lowBalance', 'contacts', 'createdAt', 'closedAt', 'closeReason']],
    ['ContactView', ['id', 'name', 'email', 'phone']],
    ['LedgerEntryView', ['id', 'accountId', 'delta', 'balanceAfter', 'kind', 'reason', 'ticketId', 'purchaseId', 'letterId', 'actorId', 'createdAt']],
    ['TicketView', ['id', 'reference', 'accountId', 'channel', 'priority', 'subject', 'description', 'incidentTypeId', 'fault', 'status', 'charge', 'createdById', 'createdAt', 'resolvedAt', 'resolution']],
    ['PolicyView', ['chargeableChannels', 'defaultIncidentPoints', 'providerFaultBonusPoints', 'lowBalanceThreshold', 'perIncidentFeeCents', 'currency', 'onShortfall', 'enforceFrom']],
    ['IncidentTypeView', ['id', 'code', 'name', 'points', 'active']],
    ['UserView', ['id', 'email', 'name', 'role', 'accountId', 'createdAt']],
    ['AuditView', ['id', 'actorId', 'action', 'entityType', 'entityId', 'reason', 'before', 'after', 'createdAt']],
  ])('%s has the fields of API.md', (name, expected) => {
    expect(fields(name)).toEqual([...expected].sort());
  });

  it('links endpoints to their answers', () => {
    const schemaOf = (path: string, method: string, status: string) => JSON.stringify(doc.paths[path][method].responses[status]);
    expect(schemaOf('/api/tickets', 'post', '201')).toContain('#/components/schemas/TicketView');
    expect(schemaOf('/api/accounts', 'get', '200')).toContain('#/components/schemas/AccountPage');
    expect(schemaOf('/api/accounts/{id}/points', 'get', '200')).toContain('#/components/schemas/PointsHistory');
    expect(schemaOf('/api/auth/login', 'post', '200')).toContain('#/components/schemas/LoginResult');
  });
});
