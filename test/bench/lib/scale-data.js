'use strict';

/**
 * What `npm run bench:data` (generate-data.js) and the `reports` scenario
 * share: where the large dataset lives, the staff it creates (so the bench
 * can log in), and the marker that says a generation finished.
 *
 * The marker is the database's comment (MariaDB ≥ 10.5: ALTER DATABASE …
 * COMMENT), written last, so no table outside the app's schema is needed and
 * an interrupted generation is never mistaken for a complete one.
 */

const mysql = require('mysql2/promise');

/** Default: a database `pd_bench_scale` on the bench's local MariaDB. */
const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/pd_bench_scale';

/** Staff users the generator creates with these passwords (scrypt-hashed as the app does). */
const STAFF = {
  admin: { email: 'bench.admin@pointdesk.example', name: 'Bench Admin', role: 'admin', password: 'bench-admin-password' },
  manager: { email: 'bench.manager@pointdesk.example', name: 'Bench Manager', role: 'manager', password: 'bench-manager-password' },
  agent: { email: 'bench.agent@pointdesk.example', name: 'Bench Agent', role: 'agent', password: 'bench-agent-password' },
};

const MARKER_PREFIX = 'pointdesk-bench-scale ';

/** `{ url, serverUrl, name }` of BENCH_SCALE_DATABASE_URL (its path names the database). */
function scaleDatabase(env = process.env) {
  const raw = env.BENCH_SCALE_DATABASE_URL || DEFAULT_URL;
  const u = new URL(raw.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new Error(`BENCH_SCALE_DATABASE_URL must name a database (letters, digits, _), e.g. ${DEFAULT_URL}; got "${raw}"`);
  }
  const server = new URL(u.toString());
  server.pathname = '/';
  return { url: u.toString(), serverUrl: server.toString(), name };
}

/** A connection to the MariaDB server of `db` (no default database unless `withDatabase`). */
function connect(db, withDatabase = false, extra = {}) {
  const u = new URL(db.url);
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: withDatabase ? db.name : undefined,
    timezone: 'Z',
    charset: 'UTF8MB4_UNICODE_CI',
    ...extra,
  });
}

/**
 * The finished generation's parameters and counts, or `{ missing: reason }`
 * when the database does not exist or no generation finished in it.
 */
async function readMarker(db) {
  let c;
  try {
    c = await connect(db);
  } catch (err) {
    return { missing: `cannot connect to ${db.serverUrl}: ${err.message}` };
  }
  try {
    const [rows] = await c.query('SELECT SCHEMA_COMMENT AS comment FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db.name]);
    if (!rows.length) return { missing: `database ${db.name} does not exist` };
    const comment = rows[0].comment || '';
    if (!comment.startsWith(MARKER_PREFIX)) return { missing: `database ${db.name} exists but holds no finished generation` };
    return JSON.parse(comment.slice(MARKER_PREFIX.length));
  } finally {
    await c.end();
  }
}

module.exports = { DEFAULT_URL, STAFF, MARKER_PREFIX, scaleDatabase, connect, readMarker };
