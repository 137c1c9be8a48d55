import request from 'supertest';
import { startTestApp, TestApp } from '../helpers/test-app';

/** Every request has an id: error answers carry it (`requestId`) so a user can quote it, and a proxy's X-Request-Id is kept. */
describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(() => t.close());

  it('answers an error with a fresh id per request when none was sent', async () => {
    const [a, b] = await Promise.all([request(t.http).get('/api/accounts'), request(t.http).get('/api/accounts')]);
    expect(a.status).toBe(401);
    expect(a.body.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });

  it('keeps the X-Request-Id a proxy set, cut to 64 characters', async () => {
    const res = await request(t.http).get('/api/accounts/1').set(t.admin.auth).set('X-Request-Id', 'edge-7f3a');
    expect(res.status).toBe(404);
    expect(res.body.requestId).toBe('edge-7f3a');
    const long = await request(t.http).post('/api/tickets').set(t.admin.auth).set('X-Request-Id', 'x'.repeat(100)).send({});
    expect(long.status).toBe(400);
    expect(long.body.requestId).toBe('x'.repeat(64));
  });
});
