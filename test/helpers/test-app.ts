import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/auth/actor';
import { createApp } from '../../src/bootstrap';
import { buildConfig } from '../../src/config/app-config';
import { createTestDatabase, TestDatabase } from './test-database';

export const ADMIN = { email: 'admin@pointdesk.test', password: 'admin-password-1' };
const PASSWORD = 'user-password-1';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  token: string;
  accountId: string | null;
  /** Authorization header for supertest's .set(). */
  auth: { Authorization: string };
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  db: TestDatabase;
  dataSource: DataSource;
  admin: TestUser;
  /** Creates a user with the role (a client needs an account id) and logs it in. */
  user(role: Role, accountId?: string): Promise<TestUser>;
  /** Stops the app; drops the database only when this app created it. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  listen?: boolean;
  /**
   * Boot against this existing database instead of a fresh one (a second
   * instance, or a restart). Migrations that already ran are skipped, and
   * close() leaves the database to its owner. An in-memory SQLite database
   * cannot be shared: use sharedTestDatabase().
   */
  database?: TestDatabase;
}

let seq = 0;

/**
 * Boots the whole application against a fresh database (or `database`)
 * with the real migrations, as `npm start` would (no listening socket
 * unless `listen`).
 */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  if (opts.database?.env.SQLITE_PATH === ':memory:') throw new Error('an in-memory SQLite database cannot be shared between apps: use sharedTestDatabase()');
  const ownsDatabase = !opts.database;
  const db = opts.database ?? await createTestDatabase();
  const config = buildConfig({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...db.env,
    ...opts.env,
  });
  const { app } = await createApp(config, { quiet: true });
  if (opts.listen) await app.listen(0, '127.0.0.1');
  const http = app.getHttpServer();

  const login = async (email: string, password: string) => {
    const res = await request(http).post('/api/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { accessToken: string; user: { id: string; role: Role; accountId: string | null } };
  };
  const asUser = (email: string, r: Awaited<ReturnType<typeof login>>): TestUser => ({
    id: r.user.id, email, role: r.user.role, token: r.accessToken, accountId: r.user.accountId,
    auth: { Authorization: `Bearer ${r.accessToken}` },
  });
  const admin = asUser(ADMIN.email, await login(ADMIN.email, ADMIN.password));

  return {
    app, http, db, admin,
    dataSource: app.get(DataSource),
    async user(role, accountId) {
      const email = `${role}${++seq}.${process.pid}@pointdesk.test`;
      const res = await request(http).post('/api/users').set(admin.auth)
        .send({ email, name: `Test ${role} ${seq}`, role, password: PASSWORD, ...(accountId ? { accountId } : {}) });
      if (res.status !== 201) throw new Error(`create ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return asUser(email, await login(email, PASSWORD));
    },
    async close() {
      await app.close();
      if (ownsDatabase) await db.drop();
    },
  };
}

/**
 * A database several apps can boot against, one after another or at once:
 * a fresh MariaDB database when TEST_DATABASE_URL is set, else a SQLite file
 * in the temp directory. The caller drops it after closing every app.
 */
export async function sharedTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DATABASE_URL) return createTestDatabase();
  const path = join(tmpdir(), `pointdesk-test-${process.pid}-${randomBytes(4).toString('hex')}.sqlite`);
  return {
    env: { SQLITE_PATH: path },
    kind: 'sqlite',
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
    },
  };
}
