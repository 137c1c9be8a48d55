import 'reflect-metadata';
import { DataSource, Table } from 'typeorm';
import { dataSourceOptions } from '../common/database/data-source-options';
import { AppConfig, buildConfig } from '../config/app-config';

/**
 * CI check (STYLE.md §5): every migration goes up, comes all the way down and
 * goes up again on the configured database (DATABASE_URL or SQLITE_PATH),
 * and the schema after the second `up` is the one the first produced.
 * Exits non-zero on any error. Point it at a scratch database: it drops
 * every table the migrations created.
 *
 *   SQLITE_PATH=/tmp/rt.sqlite node dist/src/scripts/migrations-roundtrip.js
 */
async function main(): Promise<void> {
  const config: AppConfig = buildConfig();
  const ds = new DataSource(dataSourceOptions(config.database));
  await ds.initialize();
  try {
    const total = ds.migrations.length;
    const appliedAtStart = await appliedCount(ds).catch(() => 0);
    if (appliedAtStart > 0) throw new Error(`the database already has ${appliedAtStart} applied migrations: use an empty one`);

    const up1 = await ds.runMigrations({ transaction: 'each' });
    if (up1.length !== total) throw new Error(`up: applied ${up1.length} of ${total} migrations`);
    const schemaAfterUp = await schema(ds);
    log(`up: applied ${up1.length} migrations, ${schemaAfterUp.length} tables`);

    let undone = 0;
    for (let left = await appliedCount(ds); left > 0; left = await appliedCount(ds)) {
      await ds.undoLastMigration({ transaction: 'each' });
      if ((await appliedCount(ds)) !== left - 1) throw new Error(`down: undoing the last migration left ${left} applied`);
      undone++;
    }
    const leftover = (await schema(ds)).filter((t) => !t.startsWith('migrations('));
    if (leftover.length > 0) throw new Error(`down: tables left behind: ${leftover.map((t) => t.split('(')[0]).join(', ')}`);
    log(`down: undid ${undone} migrations, no tables left`);

    const up2 = await ds.runMigrations({ transaction: 'each' });
    if (up2.length !== total) throw new Error(`up again: applied ${up2.length} of ${total} migrations`);
    const schemaAgain = await schema(ds);
    const diff = schemaAfterUp.filter((t) => !schemaAgain.includes(t)).concat(schemaAgain.filter((t) => !schemaAfterUp.includes(t)));
    if (diff.length > 0) throw new Error(`up again: the schema differs from the first up:\n  ${diff.join('\n  ')}`);
    log(`up again: applied ${up2.length} migrations, same schema`);
    log(`OK (${config.database.type})`);
  } finally {
    await ds.destroy();
  }
}

async function appliedCount(ds: DataSource): Promise<number> {
  const [row] = await ds.query('SELECT COUNT(*) AS n FROM migrations');
  return Number(row.n);
}

/** One line per table: its columns (name, type, nullability) and indices, sorted, for comparing two states. */
async function schema(ds: DataSource): Promise<string[]> {
  const qr = ds.createQueryRunner();
  try {
    // Only this database's own tables: getTables() without names lists every schema on MySQL.
    const names: string[] = (await qr.query(
      ds.options.type === 'mysql'
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )).map((r: { name: string }) => r.name);
    if (names.length === 0) return [];
    const tables: Table[] = await qr.getTables(names);
    return tables
      .map((t) => {
        const cols = t.columns.map((c) => `${c.name}:${c.type}${c.length ? `(${c.length})` : ''}${c.isNullable ? '?' : ''}`).sort();
        const idx = t.indices.map((i) => `${i.isUnique ? 'unique ' : ''}${i.name}[${i.columnNames.join(',')}]`).sort();
        const fks = t.foreignKeys.map((f) => `${f.columnNames.join(',')}->${f.referencedTableName}`).sort();
        return `${t.name.split('.').pop()}(${cols.join(' ')}) idx{${idx.join(' ')}} fk{${fks.join(' ')}}`;
      })
      .sort();
  } finally {
    await qr.release();
  }
}

function log(line: string): void {
  process.stdout.write(`migrations-roundtrip: ${line}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`migrations-roundtrip: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
