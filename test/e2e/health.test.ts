import request from 'supertest';
import { startTestApp, TestApp } from '../helpers/test-app';

/** GET /health: 200 {status: "ok"} when the database answers, 503 otherwise (API.md). */
describe('health', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => {
    // Reconnect so the app and the test database close normally.
    if (!t.dataSource.isInitialized) await t.dataSource.initialize();
    await t.close();
  });

  it('answers 200 {status: "ok"} without a token while the database answers', async () => {
    const res = await request(t.http).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('answers 503 when the database is gone, and never 500', async () => {
    await t.dataSource.destroy();
    const res = await request(t.http).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.status).not.toBe('ok');
  });
});
