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
