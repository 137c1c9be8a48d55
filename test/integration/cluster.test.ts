import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';

/**
 * The worker supervisor of WEB_CONCURRENCY (src/cluster.ts) with real
 * processes: the supervisor as main.ts runs it, and for workers a small HTTP
 * server that says which process answered and whether it runs the background
 * jobs (SCHEDULER_ENABLED as the supervisor set it). The app itself in
 * several workers is exercised by `npm run bench` (WEB_CONCURRENCY = cores).
 */

let dir: string;

/** The primary runs superviseWorkers; a worker answers GET / with its pid and role, and exits on GET /crash. */
const FIXTURE = `
const cluster = require('node:cluster');
const http = require('node:http');
if (cluster.isPrimary) {
  require('./cluster.js').superviseWorkers({
    workers: Number(process.env.WORKERS),
    env: { SHARED: 'from-primary' },
    log: (line) => process.stdout.write('supervisor: ' + line + '\\n'),
    onStarted: () => process.stdout.write('supervisor: started\\n'),
  });
} else if (process.env.FAIL_AT_START === '1') {
  process.exit(3);
} else {
  process.stdout.write('worker starting ' + process.pid + '\\n');
  // Slow to start, like the app applying migrations: a worker forked too early would say "starting" meanwhile.
  setTimeout(() => http.createServer((req, res) => {
    if (req.url === '/crash') { res.end('bye'); setImmediate(() => process.exit(1)); return; }
    res.setHeader('connection', 'close');
    res.end(JSON.stringify({ pid: process.pid, jobs: process.env.SCHEDULER_ENABLED !== 'false', shared: process.env.SHARED }));
  }).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('worker listening ' + process.pid + '\\n')), 300);
  process.on('SIGTERM', () => process.exit(0));
}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-cluster-'));
  const source = readFileSync(join(__dirname, '..', '..', 'src', 'cluster.ts'), 'utf8');
  const js = transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true } });
  writeFileSync(join(dir, 'cluster.js'), js.outputText);
  writeFileSync(join(dir, 'fixture.js'), FIXTURE);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Answer { pid: number; jobs: boolean; shared: string }

function ask(port: number, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(path === '/' ? (JSON.parse(body) as Answer) : ({} as Answer)));
    }).on('error', reject);
  });
}

class Supervisor {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly proc: ChildProcess;

  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, [join(dir, 'fixture.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.proc.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async waitFor(text: string | RegExp, count = 1, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => (typeof text === 'string' ? this.output.split(text).length - 1 : (this.output.match(new RegExp(text, 'g')) ?? []).length);
    while (matches() < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)} ×${count}; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Asks until every one of `n` workers has answered at least once (the primary hands connections round-robin). */
async function workersSeen(port: number, n: number): Promise<Map<number, Answer>> {
  const seen = new Map<number, Answer>();
  for (let i = 0; i < 50 && seen.size < n; i++) {
    const a = await ask(port);
    seen.set(a.pid, a);
  }
  return seen;
}

it('starts the first worker alone, then the others; only the first runs the background jobs; every worker serves', async () => {
  const port = await freePort();
  const s = new Supervisor({ WORKERS: '3', PORT: String(port) });
  try {
    await s.waitFor('worker listening', 3);
    // The others were forked only once the first listened (it applies the migrations alone).
    const events = s.output.split('\n').filter((l) => l.startsWith('worker ')).map((l) => l.split(' ')[1]);
    expect(events).toEqual(['starting', 'listening', 'starting', 'starting', 'listening', 'listening']);
    expect(s.output).toMatch(/3 workers \(pid \d+ supervises\); background jobs run in worker \d+/);

    const seen = await workersSeen(port, 3);
    expect(seen.size).toBe(3);
    expect([...seen.values()].filter((a) => a.jobs)).toHaveLength(1);
    expect([...seen.values()].every((a) => a.shared === 'from-primary')).toBe(true);
  } finally {
    s.proc.kill('SIGTERM');
    await s.exited;
  }
});

it('replaces a worker that dies; the replacement of the jobs worker takes over the jobs', async () => {
  const port = await freePort();
  const s = new Supervisor({ WORKERS: '2', PORT: String(port) });
  try {
    await s.waitFor('worker listening', 2);
    const before = await workersSeen(port, 2);
    const jobsPid = [...before.values()].find((a) => a.jobs)!.pid;

    // Crash whichever worker answers until the jobs worker has been hit.
    for (let i = 0; i < 20 && !s.output.includes(`worker ${jobsPid} exited`); i++) {
      await ask(port, '/crash');
      await s.waitFor('starting a replacement', i + 1);
      await s.waitFor('worker listening', 3 + i);
    }
    expect(s.output).toContain(`worker ${jobsPid} exited (code 1); starting a replacement`);

    const after = await workersSeen(port, 2);
    expect(after.size).toBe(2);
    expect(after.has(jobsPid)).toBe(false);
    expect([...after.values()].filter((a) => a.jobs)).toHaveLength(1);
  } finally {
    s.proc.kill('SIGTERM');
    await s.exited;
  }
});

it('SIGTERM stops every worker and then the supervisor, with exit code 0', async () => {
  const port = await freePort();
  const s = new Supervisor({ WORKERS: '2', PORT: String(port) });
  await s.waitFor('worker listening', 2);
  const pids = [...(await workersSeen(port, 2)).keys()];
  s.proc.kill('SIGTERM');
  expect(await s.exited).toEqual({ code: 0, signal: null });
  expect(s.output).toContain('SIGTERM: stopping the workers');
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

it('stops with the worker\'s exit code when the first worker cannot start (bad configuration or database)', async () => {
  const s = new Supervisor({ WORKERS: '2', PORT: String(await freePort()), FAIL_AT_START: '1' });
  expect(await s.exited).toEqual({ code: 3, signal: null });
  expect(s.output).toMatch(/worker \d+ exited \(code 3\) before the server started; stopping/);
  expect(s.output).not.toContain('worker listening');
});
