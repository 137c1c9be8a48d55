/*
 * API.md Conventions: "Unknown body fields → 400." class-transformer never
 * copies keys named `__proto__` or `constructor`, so without a dedicated check
 * they would be dropped silently instead of refused like any other unknown key.
 */
import request from 'supertest';
import { expectNothingWritten, messageOf } from '../factories/db';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('prototype-named unknown fields are refused like any other', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it.each(['__proto__', 'constructor'])('POST /api/accounts with %s → 400 naming it, nothing written', async (key) => {
    await expectNothingWritten(t, async () => {
      const res = await request(t.http).post('/api/accounts').set(t.admin.auth).set('Content-Type', 'application/json')
        .send(`{"name":"Sneaky Ltd","${key}":{"favoured":true}}`);
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toContain(key);
    });
  });
});
