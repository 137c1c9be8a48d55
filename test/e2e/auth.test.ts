import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { makeAccount } from '../factories';
import { tag } from '../factories/db';
import { ADMIN, startTestApp, TestApp, TestUser } from '../helpers/test-app';

/** The secret startTestApp configures; a token signed with it is proven valid below before forged ones are tried. */
const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
const USER_FIELDS = ['id', 'email', 'name', 'role', 'accountId'];

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * Login, the current user, tokens, stored passwords, security headers,
 * health and the OpenAPI document. Failed logins here stay below the
 * lockout threshold; the lockout has its own file (auth-lockout.test.ts).
 */
describe('auth', () => {
  let t: TestApp;
  let agent: TestUser;
  let client: TestUser;
  let account: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    account = await makeAccount(t);
    agent = await t.user('agent');
    client = await t.user('client', account.id);
  });
  afterAll(async () => { await t.close(); });

  const me = (authorization?: string) => {
    const req = request(t.http).get('/api/auth/me');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  describe('login', () => {
    it('answers 200 {accessToken, user} for the right password', async () => {
      const res = await request(t.http).post('/api/auth/login').send({ email: ADMIN.email, password: ADMIN.password });
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect(res.body.accessToken.split('.')).toHaveLength(3);
      expect(Object.keys(res.body.user)).toEqual(expect.arrayContaining(USER_FIELDS));
      expect(res.body.user).toMatchObject({ id: t.admin.id, email: ADMIN.email, role: 'admin', accountId: null, name: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
      const who = await me(`Bearer ${res.body.accessToken}`);
      expect(who.status).toBe(200);
      expect(who.body.id).toBe(t.admin.id);
    });

    it('accepts the email in any case and with surrounding spaces', async () => {
      const res = await request(t.http).post('/api/auth/login').send({ email: `  ${ADMIN.email.toUpperCase()} `, password: ADMIN.password });
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(t.admin.id);
    });

    it('answers 401 for a wrong password and for an unknown email, alike', async () => {
      const wrong = await request(t.http).post('/api/auth/login').send({ email: ADMIN.email, password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(wrong.body.accessToken).toBeUndefined();
      const unknown = await request(t.http).post('/api/auth/login').send({ email: `nobody.${tag()}@pointdesk.test`, password: 'not-the-password' });
      expect(unknown.status).toBe(401);
      // Same message either way: the answer does not tell which emails exist.
      expect(unknown.body.message).toBe(wrong.body.message);
    });
  });

  describe('GET /api/auth/me', () => {
    it('returns {id, email, name, role, accountId} for staff (accountId null) and clients (their account)', async () => {
      const a = await me(agent.auth.Authorization);
      expect(a.status).toBe(200);
      expect(Object.keys(a.body)).toEqual(expect.arrayContaining(USER_FIELDS));
      expect(a.body).toMatchObject({ id: agent.id, email: agent.email, role: 'agent', accountId: null, name: expect.any(String) });
      const c = await me(client.auth.Authorization);
      expect(c.body).toMatchObject({ id: client.id, email: client.email, role: 'client', accountId: account.id });
      for (const body of [a.body, c.body]) expect(JSON.stringify(body)).not.toMatch(/scrypt|password/i);
    });

    it('answers 401 without a token', async () => {
      const res = await me();
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('accepts a token signed with the server secret (so the forged ones below fail for the right reason)', async () => {
      const jwt = new JwtService({ secret: SESSION_SECRET });
      const token = jwt.sign({ sub: agent.id, role: 'agent', acc: null, typ: 'api', iatMs: Date.now() });
      const res = await me(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(agent.id);
    });

    it('answers 401 for an expired token', async () => {
      const jwt = new JwtService({ secret: SESSION_SECRET });
      const expired = jwt.sign({ sub: agent.id, role: 'agent', acc: null, typ: 'api', iatMs: Date.now(), iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 });
      expect((await me(`Bearer ${expired}`)).status).toBe(401);
    });

    it('answers 401 for tampered, forged and malformed tokens', async () => {
      const [header, payload, signature] = agent.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const promoted = `${header}.${b64url({ ...claims, role: 'admin' })}.${signature}`;
      const otherSecret = new JwtService({ secret: 'some-other-secret-0123456789abcdef' }).sign({ sub: t.admin.id, role: 'admin', acc: null, typ: 'api', iatMs: Date.now() });
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: t.admin.id, role: 'admin', acc: null })}.`;
      const hs512 = new JwtService({ secret: SESSION_SECRET }).sign({ sub: t.admin.id, role: 'admin', acc: null, typ: 'api', iatMs: Date.now() }, { algorithm: 'HS512' });
      const badRole = new JwtService({ secret: SESSION_SECRET }).sign({ sub: t.admin.id, role: 'superuser', acc: null, typ: 'api', iatMs: Date.now() });
      const consoleSession = new JwtService({ secret: SESSION_SECRET }).sign({ sub: t.admin.id, role: 'admin', acc: null, typ: 'console', iatMs: Date.now() });
      const flippedSig = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      const cases: Record<string, string> = {
        'payload changed to admin': `Bearer ${promoted}`,
        'signature changed': `Bearer ${flippedSig}`,
        'signed with another secret': `Bearer ${otherSecret}`,
        'a console session cookie used as a Bearer token': `Bearer ${consoleSession}`,
        'alg none': `Bearer ${unsigned}`,
        'HS512 instead of HS256': `Bearer ${hs512}`,
        'unknown role': `Bearer ${badRole}`,
        'garbage': 'Bearer not.a.token',
        'empty bearer': 'Bearer ',
        'no Bearer prefix': agent.token,
        'Basic scheme': `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`,
      };
      for (const [name, authorization] of Object.entries(cases)) {
        const res = await me(authorization);
        expect({ name, status: res.status }).toEqual({ name, status: 401 });
      }
      // A tampered token opens nothing else either.
      expect((await request(t.http).get('/api/users').set('Authorization', `Bearer ${promoted}`)).status).toBe(401);
    });
  });

  describe('users', () => {
    it('creates a user (201, no password in the answer) who can then log in', async () => {
      const email = `new.${tag()}@staff.test`;
      const res = await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: 'Nia Agent', role: 'agent', password: 'correct-horse-1' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(expect.arrayContaining(USER_FIELDS));
      expect(res.body).toMatchObject({ id: expect.any(String), email, name: 'Nia Agent', role: 'agent', accountId: null });
      expect(JSON.stringify(res.body)).not.toMatch(/correct-horse|scrypt|password/i);
      const login = await request(t.http).post('/api/auth/login').send({ email, password: 'correct-horse-1' });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(res.body.id);
    });

    it('creates a client bound to its account', async () => {
      const email = `client.${tag()}@client.test`;
      const res = await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: 'Cleo Client', role: 'client', password: 'correct-horse-2', accountId: account.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ role: 'client', accountId: account.id });
    });

    it('lists users for the admin, without password hashes', async () => {
      const res = await request(t.http).get('/api/users').set(t.admin.auth);
      expect(res.status).toBe(200);
      expect(res.body.total).toBeGreaterThanOrEqual(3);
      const ids = res.body.items.map((u: { id: string }) => u.id);
      expect(ids).toEqual(expect.arrayContaining([t.admin.id, agent.id, client.id]));
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash|password_hash/i);
    });

    it('stores an scrypt hash, never the password, salted per user', async () => {
      const password = 'same-password-for-both';
      const emails = [`h1.${tag()}@staff.test`, `h2.${tag()}@staff.test`];
      for (const email of emails) {
        await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: 'Hash Check', role: 'agent', password }).expect(201);
      }
      const rows: { password_hash: string }[] = [];
      for (const email of emails) rows.push(...(await t.dataSource.query('SELECT password_hash FROM users WHERE email = ?', [email])));
      expect(rows).toHaveLength(2);
      for (const { password_hash: hash } of rows) {
        expect(hash.startsWith('scrypt$')).toBe(true);
        expect(hash).not.toContain(password);
        expect(hash).not.toContain(Buffer.from(password).toString('base64'));
        expect(hash.length).toBeGreaterThan(40);
      }
      expect(rows[0].password_hash).not.toBe(rows[1].password_hash);
      const [admin] = await t.dataSource.query('SELECT password_hash FROM users WHERE email = ?', [ADMIN.email]);
      expect(admin.password_hash.startsWith('scrypt$')).toBe(true);
      expect(admin.password_hash).not.toContain(ADMIN.password);
    });
  });

  describe('security headers, health and OpenAPI', () => {
    it('sends helmet security headers on API answers, errors included', async () => {
      for (const res of [await me(agent.auth.Authorization), await me(), await request(t.http).get('/health')]) {
        expect(res.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('GET /health answers 200 {status: "ok"} without a token', async () => {
      const res = await request(t.http).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('GET /api/docs serves the OpenAPI UI as HTML', async () => {
      const res = await request(t.http).get('/api/docs').redirects(2);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger/i);
    });

    it('GET /api/docs-json lists every implemented endpoint of API.md with bearer security', async () => {
      const res = await request(t.http).get('/api/docs-json');
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(String(doc.openapi)).toMatch(/^3\./);
      const schemes = Object.values(doc.components?.securitySchemes ?? {}) as { type: string; scheme?: string }[];
      const bearerName = Object.entries(doc.components?.securitySchemes ?? {})
        .find(([, s]) => (s as { type: string; scheme?: string }).type === 'http' && (s as { scheme?: string }).scheme === 'bearer')?.[0];
      expect(schemes.length).toBeGreaterThan(0);
      expect(bearerName).toBeDefined();

      const endpoints: [string, string][] = [
        ['post', '/api/auth/login'], ['get', '/api/auth/me'], ['post', '/api/users'], ['get', '/api/users'],
        ['post', '/api/accounts'], ['get', '/api/accounts'], ['get', '/api/accounts/{id}'], ['patch', '/api/accounts/{id}'],
        ['post', '/api/accounts/{id}/contacts'], ['post', '/api/accounts/{id}/close'], ['post', '/api/accounts/{id}/terms/accept'],
        ['get', '/api/accounts/{id}/points'], ['post', '/api/accounts/{id}/points/grants'], ['post', '/api/accounts/{id}/points/adjustments'],
        ['get', '/api/policy'], ['patch', '/api/policy'],
        ['get', '/api/incident-types'], ['post', '/api/incident-types'], ['patch', '/api/incident-types/{id}'],
        ['post', '/api/tickets'], ['get', '/api/tickets'], ['get', '/api/tickets/{id}'],
        ['post', '/api/tickets/{id}/classify'], ['post', '/api/tickets/{id}/resolve'],
      ];
      const missing = endpoints.filter(([m, p]) => !doc.paths?.[p]?.[m]).map(([m, p]) => `${m.toUpperCase()} ${p}`);
      expect(missing).toEqual([]);
      const unsecured = endpoints
        .filter(([, p]) => p !== '/api/auth/login')
        .filter(([m, p]) => {
          const security = doc.paths[p][m].security ?? doc.security ?? [];
          return !security.some((s: Record<string, unknown>) => bearerName! in s);
        })
        .map(([m, p]) => `${m.toUpperCase()} ${p}`);
      expect(unsecured).toEqual([]);
      // The Idempotency-Key header is documented on the (idem) endpoints.
      for (const p of ['/api/tickets', '/api/accounts/{id}/points/grants', '/api/accounts/{id}/points/adjustments']) {
        const params = (doc.paths[p].post.parameters ?? []) as { name: string; in: string }[];
        expect({ p, header: params.some((x) => x.in === 'header' && x.name.toLowerCase() === 'idempotency-key') }).toEqual({ p, header: true });
      }
    });
  });
});
