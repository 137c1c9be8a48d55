import request from 'supertest';
import { ADMIN, startTestApp, TestApp } from '../helpers/test-app';

/**
 * 429 after repeated failed logins. In its own file (its own app, so its own
 * in-memory limiter): the limiter also counts per client address, and every
 * supertest request comes from the same one.
 */
describe('login lockout', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  const login = (password: string) => request(t.http).post('/api/auth/login').send({ email: ADMIN.email, password });

  it('does not count malformed login requests (400) as failed attempts', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await request(t.http).post('/api/auth/login').send({ email: ADMIN.email });
      expect(res.status).toBe(400);
    }
    expect((await login(ADMIN.password)).status).toBe(200);
  });

  it('answers 401 to five wrong passwords, then 429 with Retry-After — even for the right password', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await login(`wrong-${i}`);
      expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 401 });
    }
    const blocked = await login(ADMIN.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(blocked.body.accessToken).toBeUndefined();
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const stillBlocked = await login('wrong-again');
    expect(stillBlocked.status).toBe(429);
  });

  it('does not lock out tokens already issued', async () => {
    const res = await request(t.http).get('/api/auth/me').set(t.admin.auth);
    expect(res.status).toBe(200);
  });
});
