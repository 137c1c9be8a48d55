/*
 * PRODUCT.md rule 4: "Every staff action that changes money, points, policy
 * or letters is written to the audit log with who, when and why."
 * Logging a client-caused phone call debits points (or bills a fee) at once,
 * so the call's first charge is audited, not only later reclassifications.
 */
import request from 'supertest';
import { grant, makeAccount, makeIncidentType } from '../factories';
import { auditOf } from '../factories/db';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('a call charged when it is logged is audited', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it('records who logged the call and what it cost', async () => {
    const agent = await t.user('agent');
    const a = await makeAccount(t);
    await grant(t, a.id, 5);
    const type = await makeIncidentType(t, 2);
    const res = await request(t.http).post('/api/tickets').set(agent.auth)
      .send({ accountId: a.id, channel: 'phone', subject: 'How do I export?', fault: 'client', incidentTypeId: type.id });
    expect(res.status).toBe(201);
    expect(res.body.charge).toEqual({ kind: 'points', points: 2, feeCents: 0 });
    const items = await auditOf(t, 'ticket', res.body.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actorId: agent.id, entityType: 'ticket', entityId: res.body.id });
    expect(JSON.stringify(items[0].after)).toContain('points');
  });
});
