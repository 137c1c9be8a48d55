import { existsSync } from 'node:fs';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { Role } from '../../src/auth/actor';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestAppOptions } from '../helpers/test-app';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const onCi = (): boolean => !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());

/**
 * describe() for browser tests. Without Chromium the suite is skipped with a
 * message on a developer machine, but fails on CI (CI=true), where a missing
 * browser must not turn into a green run that tested nothing.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const why = `Chromium not found at ${CHROMIUM_PATH} — install it with "apt-get install -y chromium" or set CHROMIUM_PATH`;
  if (onCi()) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(why);
      });
    });
    return;
  }
  process.stderr.write(`\n[browser tests] SKIPPED "${name}": ${why}\n`);
  describe.skip(`${name} (skipped: ${why})`, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export const STAFF_PASSWORD = 'browser-test-password';
let seq = 0;

/** A user with a known password, created through the API as the admin. */
export async function makeUser(t: TestApp, role: Role, name?: string, accountId?: string): Promise<{ email: string; password: string; name: string }> {
  const n = ++seq;
  const user = { email: `${role}.${n}.${process.pid}@browser.test`, name: name ?? `Browser ${role} ${n}`, password: STAFF_PASSWORD };
  const res = await request(t.http).post('/api/users').set(t.admin.auth).send({ ...user, role, ...(accountId ? { accountId } : {}) });
  if (res.status !== 201) throw new Error(`create ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}

/** Logs in through the login page, as a person would, and waits for the start page (the dashboard for managers and admins). */
export async function logIn(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/console/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^(Find an account|Dashboard)$/ }).waitFor();
}

/** Waits until the locator's text contains `text` (Playwright-core has no auto-retrying expect). */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout }).catch(() => '')) ?? '';
    const squashed = last.replace(/\s+/g, ' ');
    if (typeof text === 'string' ? squashed.includes(text) : text.test(squashed)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected text ${String(text)} but found: ${last.replace(/\s+/g, ' ').trim()}`);
}

/**
 * A fresh 1280×800 page whose script errors and console errors (CSP
 * violations among them) are collected in `problems`; a test ends with
 * `problems` empty. 4xx answers (422 forms, 403 pages) only log "Failed to
 * load resource" and are expected.
 */
export async function watchedPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Signs a client in through the portal's login page, as a person would, and waits for the overview. */
export async function portalLogIn(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/portal/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

/** How many pixels the page is wider than the window (0 means no horizontal scrolling). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
}

export interface BrowserSuite {
  t: TestApp;
  browser: Browser;
  /** The app's address, e.g. http://127.0.0.1:41234. */
  base: string;
  /** A fresh page (and context) for each test. */
  context: BrowserContext;
  page: Page;
}

/**
 * Registers the hooks of a browser suite: the app listening on a port
 * (with `opts`), Chromium, a fresh watched page for each test, which must end
 * without script errors or CSP violations, and the ledger invariants checked
 * after each test. Read the fields inside tests (they are set by the hooks).
 * `opts` may be a function, called when the app starts: for options that an
 * earlier beforeAll prepares (an SMTP server's address, say).
 */
export function useBrowserSuite(opts: TestAppOptions | (() => TestAppOptions) = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  let problems: string[] = [];
  beforeAll(async () => {
    suite.t = await startTestApp({ ...(typeof opts === 'function' ? opts() : opts), listen: true });
    suite.base = (await suite.t.app.getUrl()).replace('[::1]', '127.0.0.1');
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  beforeEach(async () => {
    ({ context: suite.context, page: suite.page, problems } = await watchedPage(suite.browser));
  });
  afterEach(async () => {
    await suite.context.close();
    expect(problems).toEqual([]);
    await expectLedgerInvariants(suite.t.dataSource);
  });
  return suite;
}
