import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transpileModule, ModuleKind, ScriptTarget } from 'typescript';
import { JOBS_NICENESS } from '../../src/cluster';

/**
 * The worker supervisor of WEB_CONCURRENCY (src/cluster.ts) with real
 * processes: the supervisor as main.ts runs it, and for workers a small HTTP
 * server that says which process answered and whether it runs the background
 * jobs (SCHEDULER_ENABLED as the supervisor set it). The app itself in
 * several workers is exercised by `npm run bench` (WEB_CONCURRENCY = cores).
 */

const ROOT = join(__dirname, '..', '..');
let dir: string;

/**
 * The primary runs superviseWorkers as main.ts does. A web worker answers
 * GET / with its pid and environment and exits on GET /crash; the jobs
 * worker says it is ready and exits when sent "crash".
 */
const FIXTURE = `
const cluster = require('node:cluster');
const http = require('node:http');
const { superviseWorkers, workerRole, JOBS_READY } = require('./src/cluster.js');
const { LoginLimiter } = require('./src/auth/login-limiter.js');
const say = (line) => process.stdout.write(line + '\\n');
if (cluster.isPrimary) {
  superviseWorkers({
    workers: Number(process.env.WORKERS),
    jobs: process.env.JOBS === '1',
    env: { SHARED: 'from-primary' },
    log: (line) => say('supervisor: ' + line),
    onStarted: () => say('supervisor: started'),
  });
} else if (process.env.FAIL_AT_START === '1') {
  process.exit(3);
} else {
  say('worker starting ' + process.pid);
  process.on('SIGTERM', () => process.exit(0));
  // Slow to start, like the app applying migrations: a worker forked too early would say "starting" meanwhile.
  setTimeout(() => {
    if (workerRole() === 'jobs') {
      process.on('message', (m) => { if (m === 'crash') process.exit(1); });
      process.send(JOBS_READY);
      say('worker ready-for-jobs ' + process.pid);
      return;
    }
    const limiter = new LoginLimiter();
    http.createServer(async (req, res) => {
      if (req.url === '/crash') { res.end('bye'); setImmediate(() => process.exit(1)); return; }
      if (req.url === '/fail') await limiter.recordFailure('pat@acme.example', '10.0.0.1');
      const blockedFor = await limiter.blockedFor('pat@acme.example', '10.0.0.1');
      res.setHeader('connection', 'close');
      res.end(JSON.stringify({ pid: process.pid, role: workerRole(), scheduler: process.env.SCHEDULER_ENABLED, shared: process.env.SHARED, blockedFor }));
    }).listen(Number(process.env.PORT), '127.0.0.1', () => say('worker listening ' + process.pid));
  }, 300);
}
`;

/** The sources the fixture runs, transpiled to the same relative paths under the temporary directory. */
const SOURCES = ['cluster.ts', 'auth/login-limiter.ts'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-cluster-'));
  for (const file of SOURCES) {
    const source = readFileSync(join(ROOT, 'src', file), 'utf8');
    const js = transpileModule(source, {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
    });
    mkdirSync(dirname(join(dir, 'src', file)), { recursive: true });
    writeFileSync(join(dir, 'src', file.replace(/\.ts$/, '.js')), js.outputText);
  }
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

interface Answer { pid: number; role: string; scheduler?: string; shared: string; blockedFor: number }

function ask(port: number, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(path === '/crash' ? ({} as Answer) : (JSON.parse(body) as Answer)));
    }).on('error', reject);
  });
}

class Supervisor {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly proc: ChildProcess;

  constructor(env: Record<string, string>) {
    // NODE_PATH: the transpiled sources find their packages in the repository's node_modules.
    this.proc = spawn(process.execPath, [join(dir, 'fixture.js')], {
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.proc.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** What the workers said, in order: starting, ready-for-jobs, listening. */
  events(): string[] {
    return this.output.split('\n').filter((l) => l.startsWith('worker ')).map((l) => l.split(' ')[1]);
  }

  /** The pid of the n-th jobs worker that said it was ready. */
  jobsPid(n = 0): number {
    return Number([...this.output.matchAll(/worker ready-for-jobs (\d+)/g)][n][1]);
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

/** Runs `check` against a supervisor of `workers` web workers (and a jobs worker when `jobs`), then stops it. */
async function withSupervisor(workers: number, jobs: boolean, check: (s: Supervisor, port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const s = new Supervisor({ WORKERS: String(workers), JOBS: jobs ? '1' : '0', PORT: String(port) });
  try {
    await s.waitFor('worker listening', workers);
    await check(s, port);
  } finally {
    s.proc.kill('SIGTERM');
    await s.exited;
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

it('starts the jobs worker alone, then the web workers; only the jobs worker runs the jobs, at a lower priority, and serves nothing', () =>
  withSupervisor(2, true, async (s, port) => {
    // The web workers were forked only once the jobs worker was ready (it applies the migrations alone).
    expect(s.events()).toEqual(['starting', 'ready-for-jobs', 'starting', 'starting', 'listening', 'listening']);
    expect(s.output).toMatch(/2 web workers and a background-jobs worker \(pid \d+ supervises\)/);
    expect(getPriority(s.jobsPid())).toBe(JOBS_NICENESS);

    const seen = await workersSeen(port, 2);
    expect(seen.size).toBe(2);
    expect(seen.has(s.jobsPid())).toBe(false);
    for (const a of seen.values()) {
      expect(a).toMatchObject({ role: 'web', scheduler: 'false', shared: 'from-primary' });
      expect(getPriority(a.pid)).toBe(getPriority(process.pid));
    }
  }));

it('without the scheduler, starts one web worker alone (it migrates), then the others', () =>
  withSupervisor(3, false, async (s, port) => {
    expect(s.events()).toEqual(['starting', 'listening', 'starting', 'starting', 'listening', 'listening']);
    expect(s.output).toMatch(/3 web workers \(pid \d+ supervises\)/);
    expect((await workersSeen(port, 3)).size).toBe(3);
  }));

it('replaces a worker that dies by one of its role', () =>
  withSupervisor(2, true, async (s, port) => {
    const before = await workersSeen(port, 2);
    // A web worker: the one that answers crashes.
    await ask(port, '/crash');
    await s.waitFor('starting a replacement');
    expect(s.output).toMatch(/web worker \d+ exited \(code 1\); starting a replacement/);
    await s.waitFor('worker listening', 3);
    const after = await workersSeen(port, 2);
    expect(after.size).toBe(2);
    for (const a of after.values()) expect(a.role).toBe('web');
    expect([...after.keys()].filter((pid) => !before.has(pid))).toHaveLength(1);

    // The jobs worker: its replacement is a jobs worker again, at the lower priority.
    const jobsPid = s.jobsPid();
    process.kill(jobsPid, 'SIGKILL');
    await s.waitFor(`jobs worker ${jobsPid} exited (SIGKILL); starting a replacement`);
    await s.waitFor('worker ready-for-jobs', 2);
    expect(s.jobsPid(1)).not.toBe(jobsPid);
    expect(getPriority(s.jobsPid(1))).toBe(JOBS_NICENESS);
  }));

it('counts failed logins across the workers: five at any of them block the address at every one', () =>
  withSupervisor(3, true, async (s, port) => {
    const pids = new Set<number>();
    for (let i = 0; i < 4; i++) pids.add((await ask(port, '/fail')).pid);
    // Connections are handed out round-robin: the failures were counted by several workers.
    expect(pids.size).toBeGreaterThan(1);
    for (const a of (await workersSeen(port, 3)).values()) expect(a.blockedFor).toBe(0);
    await ask(port, '/fail');
    const seen = await workersSeen(port, 3);
    expect(seen.size).toBe(3);
    for (const a of seen.values()) expect(a.blockedFor).toBeGreaterThan(800);
  }));

it('SIGTERM stops every worker and then the supervisor, with exit code 0', async () => {
  const port = await freePort();
  const s = new Supervisor({ WORKERS: '2', JOBS: '1', PORT: String(port) });
  await s.waitFor('worker listening', 2);
  const pids = [...(await workersSeen(port, 2)).keys(), s.jobsPid()];
  s.proc.kill('SIGTERM');
  expect(await s.exited).toEqual({ code: 0, signal: null });
  expect(s.output).toContain('SIGTERM: stopping the workers');
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

it('stops with the worker\'s exit code when the first worker cannot start (bad configuration or database)', async () => {
  for (const jobs of ['1', '0']) {
    const s = new Supervisor({ WORKERS: '2', JOBS: jobs, PORT: String(await freePort()), FAIL_AT_START: '1' });
    expect(await s.exited).toEqual({ code: 3, signal: null });
    expect(s.output).toMatch(/(jobs|web) worker \d+ exited \(code 3\) before the server started; stopping/);
    expect(s.output).not.toContain('worker listening');
  }
});
