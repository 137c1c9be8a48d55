import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Applies pending migrations at start-up. On MySQL several instances may
 * start together, so a named lock (GET_LOCK) lets one migrate at a time;
 * SQLite is a single local file and needs none.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const lockRunner = dataSource.options.type === 'mysql' ? dataSource.createQueryRunner() : null;
  try {
    if (lockRunner) {
      const [row] = await lockRunner.query("SELECT GET_LOCK('pointdesk_migrations', 120) AS got");
      if (Number(row.got) !== 1) throw new Error('could not get the migration lock within 120 s');
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) logger.log(`applied ${m.name}`);
  } finally {
    if (lockRunner) {
      await lockRunner.query("SELECT RELEASE_LOCK('pointdesk_migrations')").catch(() => undefined);
      await lockRunner.release();
    }
  }
}
