'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

/** Preloaded into every child: it ends itself when the bench dies without cleaning up. */
const ORPHAN_GUARD = path.join(__dirname, 'orphan-guard.js');
const OUTPUT_LINES = 20;
const OUTPUT_LINE_CHARS = 600;

/** Every child still running, so an error or Ctrl-C anywhere can stop them all. */
const running = new Set();

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A Node child process (a server under test). Its stdout/stderr are drained
 * continuously — a full pipe would stall the server — and the last lines kept
 * for error messages.
 */
class ServerProcess {
  constructor(name, script, { args = [], nodeArgs = [], env = {}, cwd } = {}) {
    this.name = name;
    this.lines = [];
    this.child = spawn(process.execPath, ['--require', ORPHAN_GUARD, ...nodeArgs, script, ...args], {
      cwd,
      env: { ...process.env, ...env },
      // fd 3 is an IPC channel used only by the orphan guard to notice the bench is gone.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exitInfo = null;
    this.exited.then((info) => {
      this.exitInfo = info;
      running.delete(this);
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => this.keep(chunk));
    }
    running.add(this);
  }

  keep(chunk) {
    this.lines.push(...chunk.split('\n').filter(Boolean).map((l) => (l.length > OUTPUT_LINE_CHARS ? `${l.slice(0, OUTPUT_LINE_CHARS)} …` : l)));
    if (this.lines.length > OUTPUT_LINES) this.lines.splice(0, this.lines.length - OUTPUT_LINES);
  }

  /** The last lines the process printed, for error messages. */
  output() {
    return this.lines.map((l) => `    | ${l}`).join('\n');
  }

  /** Polls `url` until it answers 200; fails early if the process exits. */
  async waitUntilHealthy(url, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitInfo) {
        throw new Error(`${this.name} exited (${JSON.stringify(this.exitInfo)}) before it was healthy:\n${this.output()}`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.name} did not answer 200 on ${url} within ${timeoutMs / 1000} s:\n${this.output()}`);
  }

  /** SIGTERM (a graceful shutdown, which also lets --cpu-prof write its file), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10000) {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }
}

/** Stops every child still running (cleanup path). */
async function stopAll() {
  await Promise.all([...running].map((p) => p.stop(5000).catch(() => undefined)));
}

/** Last resort on process exit: synchronous SIGKILL of anything left. */
function killAllSync() {
  for (const p of running) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

module.exports = { ServerProcess, freePort, stopAll, killAllSync };
