import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export interface TestDatabase {
  /** Environment for buildConfig: DATABASE_URL or SQLITE_PATH. */
  env: Record<string, string>;
  kind: 'mysql' | 'sqlite';
  drop(): Promise<void>;
}

export const onMariaDb = (): boolean => !!process.env.TEST_DATABASE_URL;

/**
 * A fresh, empty database for one test file: an in-memory SQLite database by
 * default, or — when TEST_DATABASE_URL is set — a new MariaDB/MySQL database
 * on that server, named per worker and run, dropped afterwards, so parallel
 * runs never collide.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { env: { SQLITE_PATH: ':memory:' }, kind: 'sqlite', drop: async () => undefined };
  const name = `pd_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const server = new URL(url);
  const admin = await createConnection({
    host: server.hostname, port: Number(server.port || 3306),
    user: decodeURIComponent(server.username), password: decodeURIComponent(server.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  server.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: server.toString() },
    kind: 'mysql',
    drop: async () => {
      const c = await createConnection({
        host: server.hostname, port: Number(server.port || 3306),
        user: decodeURIComponent(server.username), password: decodeURIComponent(server.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
