/*
 * A huge ?offset= is bad input and must be a 400 naming `offset`, never a 500
 * (API.md Conventions; PRODUCT.md rule 7).
 */
import request from 'supertest';
import { makeAccount } from '../factories';
import { messageOf } from '../factories/db';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('a huge offset is a 400, not a 500', () => {
  let t: TestApp;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp();
    accountId = (await makeAccount(t)).id;
  });
  afterAll(async () => { await t.close(); });

  const lists = () => ['/api/users', '/api/accounts', `/api/accounts/${accountId}/points`, '/api/tickets', '/api/audit'];

  it.each(['99999999999999999999', '9223372036854775807'])('offset=%s → 400 naming offset on every list', async (offset) => {
    for (const url of lists()) {
      const res = await request(t.http).get(url).query({ offset }).set(t.admin.auth);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(messageOf(res.body)).toContain('offset');
    }
  });

  it('still accepts a large but sane offset and answers an empty page', async () => {
    const res = await request(t.http).get('/api/accounts').query({ offset: 1_000_000 }).set(t.admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});
