import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { DatabaseConfig } from '../../config/app-config';

/**
 * One place that turns configuration into TypeORM options. Entities are
 * registered by each module (autoLoadEntities); migrations are listed in
 * migrations/index.ts. `synchronize` is never on.
 */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    synchronize: false as const,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
  };
  if (db.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: db.url.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: db.poolSize,
      // Date-only columns (customer_since, enforce_from) come back as YYYY-MM-DD strings.
      dateStrings: ['DATE'],
      // trace: false — mysql2 would otherwise capture a stack trace for every query.
      extra: { connectionLimit: db.poolSize, enableKeepAlive: true, trace: false },
    };
  }
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    enableWAL: db.path !== ':memory:',
    prepareDatabase: (conn: { pragma(s: string): unknown }) => {
      conn.pragma('busy_timeout = 5000');
      conn.pragma('foreign_keys = ON');
    },
  };
}
