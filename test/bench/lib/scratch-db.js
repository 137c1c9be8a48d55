'use strict';

const { randomBytes } = require('node:crypto');
const mysql = require('mysql2/promise');

/**
 * A fresh database on the bench's MariaDB server, named uniquely per run so
 * two benches (or a bench and the MariaDB-backed tests) never collide.
 */
class ScratchDatabase {
  constructor(serverUrl) {
    this.server = new URL(serverUrl);
    this.name = `pd_bench_${randomBytes(4).toString('hex')}`;
    this.created = false;
  }

  /** DATABASE_URL of the scratch database, for Pointdesk and the bare server. */
  get url() {
    const u = new URL(this.server.toString());
    u.pathname = `/${this.name}`;
    return u.toString();
  }

  /** A single connection to the scratch database (or to the server when `onServer`). */
  connect(onServer = false) {
    return mysql.createConnection({
      host: this.server.hostname,
      port: Number(this.server.port || 3306),
      user: decodeURIComponent(this.server.username),
      password: decodeURIComponent(this.server.password),
      database: onServer ? undefined : this.name,
      timezone: 'Z',
    });
  }

  async create() {
    const c = await this.connect(true);
    try {
      const [[{ version }]] = await c.query('SELECT VERSION() AS version');
      this.version = version;
      await c.query(`CREATE DATABASE \`${this.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      this.created = true;
    } finally {
      await c.end();
    }
  }

  /** Runs one query on the scratch database and returns its rows. */
  async query(sql, params = []) {
    const c = await this.connect();
    try {
      const [rows] = await c.query(sql, params);
      return rows;
    } finally {
      await c.end();
    }
  }

  /**
   * Waits (at most `maxMs`) until the server has done what the previous step
   * left behind — flushing dirty pages in a hurry, purging undo history — so
   * one scenario's aftermath does not slow the next one's measurement.
   * Settled: fewer than 100 pages flushed in the last second and at most
   * 2,000 undo records to purge (what an idle server shows). Returns the
   * seconds waited and the last readings.
   */
  async settle(maxMs = 30_000) {
    const read = async () => {
      const rows = await this.query(
        "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN " +
        "('INNODB_BUFFER_POOL_PAGES_FLUSHED', 'INNODB_HISTORY_LIST_LENGTH')",
      );
      const v = Object.fromEntries(rows.map((r) => [String(r.name).toUpperCase(), Number(r.value)]));
      return { flushed: v.INNODB_BUFFER_POOL_PAGES_FLUSHED ?? 0, history: v.INNODB_HISTORY_LIST_LENGTH ?? 0 };
    };
    const started = Date.now();
    let last = await read();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await read();
      const flushedPerSecond = now.flushed - last.flushed;
      last = now;
      const seconds = (Date.now() - started) / 1000;
      if ((flushedPerSecond < 100 && now.history <= 2000) || Date.now() - started > maxMs) {
        return { seconds, flushedPerSecond, history: now.history };
      }
    }
  }

  async drop() {
    if (!this.created) return;
    const c = await this.connect(true);
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${this.name}\``);
      this.created = false;
    } finally {
      await c.end();
    }
  }
}

module.exports = { ScratchDatabase };
