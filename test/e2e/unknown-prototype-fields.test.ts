/*
 * API.md Conventions: "Unknown body fields → 400." A body with the keys
 * `constructor` or `__proto__` is accepted (201) and the keys silently
 * dropped, while any other unknown key is refused with "property x should
 * not exist". Nothing is polluted (class-transformer skips these keys), but
 * the contract is not kept.
 *
 * Cause: class-transformer's plainToInstance never copies `__proto__` /
 * `constructor`, so the ValidationPipe's forbidNonWhitelisted never sees them.
 *
 * Suggested fix: a small global pipe or middleware on JSON bodies that
 * refuses own keys named `__proto__`, `constructor` or `prototype` (at any
 * depth) with a 400 naming the key, e.g. in src/common/http next to the
 * ValidationPipe setup in src/bootstrap.ts.
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
