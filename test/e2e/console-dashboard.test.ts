/*
 * The manager's dashboard and the audit log page in the console, through the
 * booted app with a real console session (login form, cookies) as a browser
 * would use them. A small dataset is built through the API; a few rows are
 * then moved to earlier times by SQL (rows made through the API are created
 * now) so the weekly and monthly charts have more than one bar:
 *
 *   A  "Acme & Sons <Ltd>"  grant 10 (2 weeks ago); 3 client calls of 2 points
 *                           (−6), 1 provider call (2 weeks ago), 1 undetermined;
 *                           customer since 1950, so the letter goes to it: notified
 *   B  'Brick "Works"'      grant 5; 2 client calls (−2); 1 client call in
 *                           shadow mode (waived 1)
 *   C  "Cobalt"             buys buy5get6 (6 points, $375.00 paid two months
 *                           ago): enrolled; 1 provider call
 *   D  "=Danger Dental"     no points: 1 client call billed $75.00; low balance
 *   E  "Early Leaver"       closed two months ago (before the letter)
 *   F  "Fox Leaver"         closed after the letter
 *
 * so: incidents 10 (provider 2, client 7, undetermined 1), this week 9;
 * points debited 8, granted 15 (10 two weeks ago), purchased 6, waived 1;
 * revenue $375.00 two months ago; fees $75.00; active 4, closed 2, low
 * balance 1 (D); legacy 2, notified 1, enrolled 1; closed 1 before and 1 since
 * the first letter. Runs on SQLite, and on MariaDB with TEST_DATABASE_URL.
 */
import request from 'supertest';
import { dbTime } from '../../src/common/database/sql';
import { approvedLetter, grant, makeAccount, makeIncidentType, makeTicket, runCampaigns, sendLetter, setPolicy } from '../factories';
import { buy5get6Id, makePurchase, payPurchase } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';
import { consoleSession, ConsoleSession, fieldError, tokenIn, visible } from '../helpers/web-pages';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';
const DAY_MS = 86_400_000;

const NAMES = { A: 'Acme & Sons <Ltd>', B: 'Brick "Works"', C: 'Cobalt', D: '=Danger Dental', E: 'Early Leaver', F: 'Fox Leaver' };

const utcDay = (d: Date): string => d.toISOString().slice(0, 10);
const mondayOf = (d: Date): string => utcDay(new Date(Date.parse(`${utcDay(d)}T00:00:00Z`) - ((d.getUTCDay() + 6) % 7) * DAY_MS));
const monthName = (month: string): string => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/** The HTML of the element with this id, up to its closing tag (sections and details here are not nested in their own kind). */
function part(html: string, id: string, tag = 'section'): string {
  const start = html.indexOf(` id="${id}"`);
  if (start < 0) throw new Error(`no element with id ${id}`);
  const open = html.lastIndexOf(`<${tag}`, start);
  const end = html.indexOf(`</${tag}>`, start);
  return html.slice(open, end + tag.length + 3);
}
/** The text of each row of the (first) table in some HTML, cells joined by single spaces. */
function rowsOf(html: string, where: 'tbody' | 'tfoot' = 'tbody'): string[] {
  const body = new RegExp(`<${where}>([\\s\\S]*?)</${where}>`).exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => visible(m[1].replace(/<\/td>/g, ' </td>')).trim());
}
/** The <svg> of a chart section. */
const svgOf = (html: string): string => /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
/** Handlebars writes "=" in text and attributes as &#x3D;; the tests read it as the browser does. */
const unescapeEquals = (html: string): string => html.replace(/&#x3D;/g, '=');
/** The value labels drawn above the bars of an SVG. */
const barLabels = (svg: string): string[] => [...svg.matchAll(/<text class="chart-value"[^>]*>([^<]*)<\/text>/g)].map((m) => visible(m[1]).trim());

describe(`console: dashboard and audit log (${DB})`, () => {
  let t: TestApp;
  let manager: ConsoleSession;
  let apiManager: TestUser;
  const ids: Record<keyof typeof NAMES, string> = { A: '', B: '', C: '', D: '', E: '', F: '' };
  let letterId = '';
  let purchaseId = '';
  let firstTicketId = '';

  const now = new Date();
  const W0 = mondayOf(now);
  const twoWeeksAgo = new Date(now.getTime() - 14 * DAY_MS);
  const W2 = mondayOf(twoWeeksAgo);
  const monthsAgo2 = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 15, 12));
  const M0 = utcDay(now).slice(0, 7);
  const M2 = utcDay(monthsAgo2).slice(0, 7);
  const today = utcDay(now);

  const at = (when: Date) => dbTime(t.dataSource.manager, when);
  const ticket = async (accountId: string, body: Record<string, unknown>): Promise<string> => {
    const res = await makeTicket(t, { accountId, ...body });
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const close = (accountId: string) => request(t.http).post(`/api/accounts/${accountId}/close`).set(t.admin.auth).send({ reason: 'moved to a competitor' }).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    manager = await consoleSession(t, 'manager');
    apiManager = await t.user('manager');

    ids.A = (await makeAccount(t, { name: NAMES.A, customerSince: '1950-01-01' })).id;
    ids.B = (await makeAccount(t, { name: NAMES.B })).id;
    ids.C = (await makeAccount(t, { name: NAMES.C })).id;
    ids.D = (await makeAccount(t, { name: NAMES.D, contacts: [{ name: 'Dana Dental', email: `dana.${process.pid}@client.test`, phone: '+1 555 0199' }] })).id;
    ids.E = (await makeAccount(t, { name: NAMES.E })).id;
    ids.F = (await makeAccount(t, { name: NAMES.F })).id;
    const type2 = await makeIncidentType(t, 2);

    const grantA = await grant(t, ids.A, 10);
    await t.dataSource.query('UPDATE ledger_entries SET created_at = ? WHERE id = ?', [at(twoWeeksAgo), Number(grantA.id)]);
    await grant(t, ids.B, 5);

    for (let i = 0; i < 3; i++) {
      const id = await ticket(ids.A, { fault: 'client', incidentTypeId: type2.id });
      firstTicketId ||= id;
    }
    const old = await ticket(ids.A, { fault: 'provider' });
    await t.dataSource.query('UPDATE tickets SET created_at = ? WHERE id = ?', [at(twoWeeksAgo), Number(old)]);
    await ticket(ids.A, {});

    await ticket(ids.B, { fault: 'client' });
    await ticket(ids.B, { fault: 'client' });
    await setPolicy(t, { enforceFrom: '2999-01-01' });
    await ticket(ids.B, { fault: 'client' });
    await setPolicy(t, { enforceFrom: null });

    const purchase = await makePurchase(t, ids.C, { bundleId: await buy5get6Id(t) });
    purchaseId = purchase.id;
    expect((await payPurchase(t, purchase.id, purchase.amountCents)).status).toBe(200);
    await t.dataSource.query('UPDATE purchase_payments SET created_at = ? WHERE purchase_id = ?', [at(monthsAgo2), Number(purchase.id)]);
    await ticket(ids.C, { fault: 'provider' });

    const fee = await makeTicket(t, { accountId: ids.D, fault: 'client' });
    expect(fee.body.charge).toEqual({ kind: 'fee', points: 0, feeCents: 7500 });

    await close(ids.E);
    await t.dataSource.query('UPDATE accounts SET closed_at = ? WHERE id = ?', [at(monthsAgo2), Number(ids.E)]);

    const letter = await approvedLetter(t, { audience: { customerSinceBefore: '1960-01-01' }, grantPoints: 0 });
    letterId = letter.id;
    await sendLetter(t, letter.id);
    await runCampaigns(t);
    await close(ids.F);
  });
  afterAll(async () => {
    await expectLedgerInvariants(t.dataSource);
    await t.close();
  });

  describe('landing pages', () => {
    it('sends a manager to the dashboard after logging in, and an agent to "Find an account"', async () => {
      for (const [role, start] of [['manager', '/console/dashboard'], ['admin', '/console/dashboard'], ['agent', '/console']] as const) {
        const email = `start.${role}.${process.pid}@console-e2e.test`;
        const password = 'start-page-password';
        await request(t.http).post('/api/users').set(t.admin.auth).send({ email, name: `Start ${role}`, role, password }).expect(201);
        const agent = request.agent(t.http);
        const token = tokenIn((await agent.get('/console/login')).text);
        const login = await agent.post('/console/login').type('form').send({ email, password, _csrf: token });
        expect({ role, status: login.status, location: login.headers.location }).toEqual({ role, status: 303, location: start });
        // Signed in already: the login page sends them to their start page too.
        expect((await agent.get('/console/login')).headers.location).toBe(start);
        // A return path still wins.
        const again = request.agent(t.http);
        const token2 = tokenIn((await again.get('/console/login')).text);
        const back = await again.post('/console/login').type('form').send({ email, password, _csrf: token2, next: '/console/letters' });
        expect(back.headers.location).toBe('/console/letters');
      }
    });

    it('puts Dashboard first and Audit log in the managers\' navigation, neither in the agents\'', async () => {
      const page = await manager.agent.get('/console/dashboard');
      expect(page.status).toBe(200);
      const nav = /<nav aria-label="Console">([\s\S]*?)<\/nav>/.exec(page.text)![1];
      const links = [...nav.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      expect(links[0]).toEqual(['/console/dashboard', 'Dashboard']);
      expect(links[1]).toEqual(['/console', 'Find an account']);
      expect(links).toContainEqual(['/console/audit', 'Audit log']);
      // Managers can still search for an account.
      expect((await manager.agent.get('/console')).status).toBe(200);

      const agent = await consoleSession(t, 'agent');
      const home = await agent.agent.get('/console');
      expect(home.text).not.toContain('/console/dashboard');
      expect(home.text).not.toContain('/console/audit');
    });

    it('keeps agents out of the dashboard, its CSV downloads and the audit log, as other manager pages do', async () => {
      const agent = await consoleSession(t, 'agent');
      const paths = ['/console/dashboard', '/console/dashboard?from=2026-01-01', '/console/audit', '/console/audit?entityType=account',
        '/console/reports/summary.csv', '/console/reports/top-accounts.csv', '/console/reports/migration.csv', '/console/reports/incidents-by-week.csv',
        '/console/reports/points-by-week.csv', '/console/reports/revenue-by-month.csv', '/console/reports/closures-by-month.csv'];
      for (const path of [...paths, '/console/outbox']) {
        const res = await agent.agent.get(path).set('Accept', 'text/html');
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(visible(res.text)).toContain('This page is for managers and admins only');
        expect(res.headers['content-type']).toMatch(/^text\/html/);
      }
      for (const path of paths) {
        const res = await request(t.http).get(path);
        expect({ path, status: res.status, location: res.headers.location }).toEqual({ path, status: 303, location: `/console/login?next=${encodeURIComponent(path)}` });
      }
    });
  });

  describe('dashboard', () => {
    let html: string;
    beforeAll(async () => {
      const res = await manager.agent.get('/console/dashboard');
      expect(res.status).toBe(200);
      html = unescapeEquals(res.text);
    });

    it('draws each chart as an accessible SVG image followed by its numbers and a CSV link', () => {
      expect(html).toContain('<h1>Dashboard</h1>');
      const charts: [string, string, string | null][] = [
        ['incidents', 'Incidents per week by fault', '/console/reports/incidents-by-week.csv'],
        ['points', 'Points per week: debited, granted, purchased', '/console/reports/points-by-week.csv'],
        ['revenue', 'Revenue per month', '/console/reports/revenue-by-month.csv'],
        ['migration', 'Migration: legacy → notified → enrolled', '/console/reports/migration.csv'],
        ['closures', 'Accounts closed per month', '/console/reports/closures-by-month.csv'],
      ];
      for (const [id, title, csv] of charts) {
        const s = part(html, id);
        const svg = svgOf(s);
        expect(svg).toContain(`role="img" aria-labelledby="chart-${id}-title" aria-describedby="chart-${id}-desc"`);
        expect(svg).toContain('width="100%"');
        expect(svg).toMatch(/viewBox="0 0 640 \d+"/);
        expect(svg).toContain(`<title id="chart-${id}-title">${title}</title>`);
        expect(svg).toMatch(new RegExp(`<desc id="chart-${id}-desc">[^<]+</desc>`));
        expect(s).toContain(`<h2 id="${id}-heading">${title}</h2>`);
        expect(s).toMatch(/<details class="chart-numbers"><summary>Show the numbers<\/summary>\s*<table class="stack numbers">/);
        expect(s.indexOf('<table')).toBeGreaterThan(s.indexOf('</svg>'));
        if (csv) expect(s).toContain(`<a href="${csv}" download>Download CSV<span class="visually-hidden">`);
      }
      // No style attributes (strict CSP) and nothing from elsewhere.
      expect(html).not.toMatch(/ style="/);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    });

    it('shows incidents per week by fault: this week 1 provider, 7 client, 1 unknown; two weeks ago 1 provider', () => {
      const s = part(html, 'incidents');
      const rows = rowsOf(s);
      expect(rows).toHaveLength(12);
      expect(rows[11]).toBe(`${W0} 1 7 1 9`);
      expect(rows[9]).toBe(`${W2} 1 0 0 1`);
      expect(rows.filter((r) => !r.endsWith(' 0 0 0 0'))).toHaveLength(2);
      expect(rowsOf(s, 'tfoot')).toEqual(['All weeks 2 7 1 10']);
      const svg = svgOf(s);
      expect(barLabels(svg)).toEqual(['1', '9']);
      expect(svg).toContain(`<title>Week of ${W0} — Client caused: 7</title>`);
      expect(visible(svg)).toContain('In total 10: 2 provider fault (ours), 7 client caused, 1 not yet known.');
      expect(visible(s)).toContain('Provider fault (ours) Client caused Not yet known');
    });

    it('shows points per week: debited 8, granted 5, purchased 6 this week; 10 granted two weeks ago', () => {
      const s = part(html, 'points');
      const rows = rowsOf(s);
      expect(rows[11]).toBe(`${W0} 8 5 6`);
      expect(rows[9]).toBe(`${W2} 0 10 0`);
      expect(rowsOf(s, 'tfoot')).toEqual(['All weeks 8 15 6']);
      expect(barLabels(svgOf(s))).toEqual(['10', '8', '5', '6']);
    });

    it('shows revenue per month in the policy currency: $375.00 two months ago', () => {
      const s = part(html, 'revenue');
      const rows = rowsOf(s);
      expect(rows).toHaveLength(12);
      expect(rows).toContain(`${monthName(M2)} $375.00`);
      expect(rows[11]).toBe(`${monthName(M0)} $0.00`);
      expect(rowsOf(s, 'tfoot')).toEqual(['All months $375.00']);
      const svg = svgOf(s);
      expect(barLabels(svg)).toEqual(['$375.00']);
      const ticks = [...svg.matchAll(/<text class="chart-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(ticks).toEqual(['$0', '$100', '$200', '$300', '$400']);
    });

    it('shows the migration funnel legacy 2 → notified 1 → enrolled 1, with shares of the active accounts', () => {
      const s = part(html, 'migration');
      expect(rowsOf(s)).toEqual(['Legacy (not yet told) 2 50%', 'Notified (sent the letter) 1 25%', 'Enrolled (accepted or bought) 1 25%']);
      expect(rowsOf(s, 'tfoot')).toEqual(['All active accounts 4 100%']);
      expect(barLabels(svgOf(s))).toEqual(['2 (50%)', '1 (25%)', '1 (25%)']);
      expect(visible(s)).toContain('The first announcement letter started going out');
    });

    it('shows closures per month split at the first letter, a legend saying so and the totals', () => {
      const s = part(html, 'closures');
      const rows = rowsOf(s);
      expect(rows).toContain(`${monthName(M2)} 1 1 0`);
      expect(rows[11]).toBe(`${monthName(M0)} 1 0 1`);
      expect(rowsOf(s, 'tfoot')).toEqual(['All months shown 2 1 1']);
      const text = visible(s);
      expect(text).toContain(`Before the first letter Since the first letter (sent in ${monthName(M0)})`);
      expect(text).toContain('Closed before the first letter: 1. Closed since the first letter: 1.');
      const svg = svgOf(s);
      expect(svg).toMatch(/<rect class="chart-bar chart-c3"[^>]*><title>[^<]* — Before the first letter: 1<\/title>/);
      expect(svg).toMatch(/<rect class="chart-bar chart-c5 chart-since"[^>]*><title>[^<]* — Since the first letter \([^)]*\): 1<\/title>/);
      expect(svg).toContain('>First letter</text>');
    });

    it('lists the top callers with links to their accounts, names escaped', () => {
      const s = part(html, 'top-callers');
      expect(rowsOf(s)).toEqual([
        `1 ${NAMES.A} 5 3 6`,
        `2 ${NAMES.B} 3 3 2`,
        `3 ${NAMES.D} 1 1 0`,
        `4 ${NAMES.C} 1 0 0`,
      ]);
      expect(s).toContain(`<a href="/console/accounts/${ids.A}">Acme &amp; Sons &lt;Ltd&gt;</a>`);
      expect(s).toContain(`<a href="/console/accounts/${ids.B}">Brick &quot;Works&quot;</a>`);
      expect(s).not.toContain('<Ltd>');
      expect(s).toContain('<a href="/console/reports/top-accounts.csv" download>Download CSV');
    });

    it('lists the low-balance accounts to call with balance and phone', () => {
      const s = part(html, 'low-balance');
      expect(rowsOf(s)).toEqual([`${NAMES.D} 0 points Dana Dental +1 555 0199`]);
      expect(s).toContain(`<a href="/console/accounts/${ids.D}">=Danger Dental</a>`);
      expect(s).toContain('<a href="tel:+15550199">+1 555 0199</a>');
    });

    it('sums up all time by default: incidents by fault, points in and out with waived, money, accounts', () => {
      const s = part(html, 'summary');
      const text = visible(s);
      expect(text).toContain('Summary: All time');
      expect(text).toContain('All incidents 10 Provider fault (ours) 2 Client caused 7 Not yet known 1');
      expect(text).toMatch(/Debited for incidents 8 Granted 15 Purchased 6 Refunded \(incidents reclassified\) 0 Goodwill bonus 0 Waived \([^)]*\) 1/);
      expect(text).toContain('Revenue received $375.00 Per-incident fees billed $75.00');
      expect(text).toContain('Active 4 Closed 2 Low balance 1');
      expect(s).toContain('<a href="/console/reports/summary.csv" download>Download CSV');
      expect(s).toMatch(/<a href="\/console\/dashboard#summary" aria-current="true">All time<\/a>/);
    });
  });

  describe('summary period picker', () => {
    it('sums up a chosen period, and offers that period\'s CSV', async () => {
      const res = await manager.agent.get(`/console/dashboard?from=${today}&to=${today}`);
      expect(res.status).toBe(200);
      const s = unescapeEquals(part(res.text, 'summary'));
      const text = visible(s);
      expect(text).toContain(`Summary: ${today}`);
      expect(text).toContain('All incidents 9 Provider fault (ours) 1 Client caused 7 Not yet known 1');
      expect(text).toMatch(/Debited for incidents 8 Granted 5 Purchased 6 .* Waived \([^)]*\) 1/);
      expect(text).toContain('Revenue received $0.00 Per-incident fees billed $75.00');
      expect(s).toContain(`value="${today}"`);
      expect(s).toContain(`<a href="/console/reports/summary.csv?from=${today}&amp;to=${today}" download>`);
      // The charts do not depend on the period.
      expect(rowsOf(part(res.text, 'incidents'), 'tfoot')).toEqual(['All weeks 2 7 1 10']);

      const last30 = await manager.agent.get(`/console/dashboard?from=${utcDay(new Date(now.getTime() - 29 * DAY_MS))}&to=${today}`);
      expect(visible(part(last30.text, 'summary'))).toContain('All incidents 10');
      expect(last30.text).toMatch(/aria-current="true">Last 30 days<\/a>/);
      const from = await manager.agent.get(`/console/dashboard?from=${utcDay(new Date(now.getTime() + DAY_MS))}`);
      expect(visible(part(from.text, 'summary'))).toContain('All incidents 0 Provider fault (ours) 0');
    });

    it('refuses dates it cannot use next to their field, with 422 and no figures', async () => {
      const bad = await manager.agent.get('/console/dashboard?from=2026-02-30&to=soon');
      expect(bad.status).toBe(422);
      expect(fieldError(bad.text, 'summary-from')).toBe('From must be a real date written YYYY-MM-DD');
      expect(fieldError(bad.text, 'summary-to')).toBe('To must be a real date written YYYY-MM-DD');
      expect(bad.text).toContain('value="2026-02-30"');
      expect(bad.text).toMatch(/id="summary-from"[^>]*aria-invalid="true"/);
      const s = visible(part(bad.text, 'summary'));
      expect(s).toContain('Correct the dates above to see the summary.');
      expect(s).not.toContain('All incidents');
      expect(part(bad.text, 'summary')).not.toContain('summary.csv');
      // The charts still show.
      expect(rowsOf(part(bad.text, 'incidents'), 'tfoot')).toEqual(['All weeks 2 7 1 10']);

      const backwards = await manager.agent.get('/console/dashboard?from=2026-03-02&to=2026-03-01');
      expect(backwards.status).toBe(422);
      expect(fieldError(backwards.text, 'summary-to')).toBe('To must be on or after From');
      expect(fieldError(backwards.text, 'summary-from')).toBeNull();
    });
  });

  describe('CSV downloads', () => {
    const csv = async (path: string) => {
      const res = await manager.agent.get(path).buffer(true);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="pointdesk-[\w-]+\.csv"$/);
      expect(res.text.startsWith('\uFEFF')).toBe(true);
      return res;
    };
    const lines = (text: string) => text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    const api = async (path: string) => {
      const res = await request(t.http).get(path).set(apiManager.auth).buffer(true);
      expect(res.status).toBe(200);
      return res;
    };

    it('gives the summary, top accounts and migration exactly as the API\'s ?format=csv does', async () => {
      for (const [mine, theirs] of [
        ['/console/reports/summary.csv', '/api/reports/summary?format=csv'],
        [`/console/reports/summary.csv?from=${today}&to=${today}`, `/api/reports/summary?format=csv&from=${today}&to=${today}`],
        ['/console/reports/top-accounts.csv', '/api/reports/top-accounts?format=csv'],
        ['/console/reports/top-accounts.csv?days=7&limit=2', '/api/reports/top-accounts?format=csv&days=7&limit=2'],
        ['/console/reports/migration.csv', '/api/reports/migration?format=csv'],
      ]) {
        const a = await csv(mine);
        const b = await api(theirs);
        expect({ mine, text: a.text }).toEqual({ mine, text: b.text });
        expect(a.headers['content-disposition']).toBe(b.headers['content-disposition']);
      }
    });

    it('has the dataset\'s figures in the summary, top accounts (formula guarded, quoted) and migration files', async () => {
      const summary = lines((await csv('/console/reports/summary.csv')).text);
      expect(summary[0]).toBe('metric,value');
      for (const row of ['incidents.total,10', 'incidents.provider,2', 'incidents.client,7', 'incidents.undetermined,1', 'points.debited,8', 'points.granted,15',
        'points.purchased,6', 'points.waived,1', 'revenueCents,37500', 'feesCents,7500', 'currency,USD', 'accounts.active,4', 'accounts.closed,2', 'accounts.lowBalance,1']) {
        expect(summary).toContain(row);
      }
      const top = lines((await csv('/console/reports/top-accounts.csv')).text);
      expect(top).toEqual([
        'accountId,name,incidents,clientCaused,pointsDebited',
        `${ids.A},Acme & Sons <Ltd>,5,3,6`,
        `${ids.B},"Brick ""Works""",3,3,2`,
        `${ids.D},'=Danger Dental,1,1,0`,
        `${ids.C},Cobalt,1,0,0`,
      ]);
      const migration = lines((await csv('/console/reports/migration.csv')).text);
      expect(migration.slice(0, 6)).toEqual(['metric,value', 'legacy,2', 'notified,1', 'enrolled,1', 'closedSinceFirstLetter,1', 'closedBeforeFirstLetter,1']);
      expect(migration[6]).toMatch(/^firstLetterAt,\d{4}-\d\d-\d\dT/);
    });

    it('gives the weekly and monthly series the charts draw', async () => {
      const incidents = lines((await csv('/console/reports/incidents-by-week.csv')).text);
      expect(incidents[0]).toBe('week,provider,client,undetermined,total');
      expect(incidents).toHaveLength(13);
      expect(incidents[12]).toBe(`${W0},1,7,1,9`);
      expect(incidents[10]).toBe(`${W2},1,0,0,1`);

      const points = lines((await csv('/console/reports/points-by-week.csv')).text);
      expect(points[0]).toBe('week,debited,granted,purchased');
      expect(points[12]).toBe(`${W0},8,5,6`);
      expect(points[10]).toBe(`${W2},0,10,0`);

      const revenue = lines((await csv('/console/reports/revenue-by-month.csv')).text);
      expect(revenue[0]).toBe('month,revenueCents,currency');
      expect(revenue).toHaveLength(13);
      expect(revenue).toContain(`${M2},37500,USD`);
      expect(revenue[12]).toBe(`${M0},0,USD`);

      const closures = lines((await csv('/console/reports/closures-by-month.csv')).text);
      expect(closures[0]).toBe('month,closed,closedBefore,closedSince,sinceFirstLetter');
      expect(closures).toContain(`${M2},1,1,0,false`);
      expect(closures[12]).toBe(`${M0},1,0,1,true`);
    });

    it('refuses a period or window it cannot use with 400', async () => {
      for (const path of ['/console/reports/summary.csv?from=2026-02-30', '/console/reports/summary.csv?from=2026-03-02&to=2026-03-01',
        '/console/reports/top-accounts.csv?days=0', '/console/reports/top-accounts.csv?limit=abc', '/console/reports/top-accounts.csv?days=99999']) {
        const res = await manager.agent.get(path).set('Accept', 'text/html');
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
      }
    });
  });

  describe('audit log', () => {
    let gammaId = '';
    beforeAll(async () => {
      // A change by a known manager, for the actor filter and the diff.
      gammaId = (await makeAccount(t, { name: 'Gamma <One>' })).id;
      await request(t.http).patch(`/api/accounts/${gammaId}`).set(apiManager.auth).send({ name: 'Gamma & Two', favoured: true }).expect(200);
    });

    const page = async (query: string, status = 200) => {
      const res = await manager.agent.get(`/console/audit${query}`);
      expect({ query, status: res.status }).toEqual({ query, status });
      return unescapeEquals(res.text);
    };
    const rowsHtml = (html: string) => [...html.matchAll(/<tr id="audit-\d+">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    const apiTotal = async (q: Record<string, string>) => (await request(t.http).get('/api/audit').query(q).set(apiManager.auth).expect(200)).body.total as number;

    it('lists changes newest first, 25 a page, with who, action, entity link, reason and a diff', async () => {
      const html = await page('');
      const total = await apiTotal({});
      expect(total).toBeGreaterThan(25);
      expect(visible(html)).toContain(`Showing 1–25 of ${total}, newest first.`);
      const rows = rowsHtml(html);
      expect(rows).toHaveLength(25);
      // The newest: the manager's change to Gamma.
      const newest = rows[0];
      expect(visible(newest)).toContain('Account changed account.update');
      expect(newest).toContain(`<a href="/console/accounts/${gammaId}">Gamma &amp; Two (account ${gammaId})</a>`);
      expect(newest).toContain(`<a href="/console/audit?entityType=account&amp;entityId=${gammaId}" class="hint">All changes`);
      expect(visible(newest)).toMatch(/Test manager \d+ \(manager\)/);
      expect(newest).toMatch(/<code class="diff-key">name<\/code>\s*<del><span class="visually-hidden">was <\/span>Gamma &lt;One&gt;<\/del> <span aria-hidden="true">→<\/span> <ins><span class="visually-hidden">now <\/span>Gamma &amp; Two<\/ins>/);
      expect(newest).toMatch(/<code class="diff-key">favoured<\/code>\s*<del><span class="visually-hidden">was <\/span>false<\/del> <span aria-hidden="true">→<\/span> <ins><span class="visually-hidden">now <\/span>true<\/ins>/);
      expect(html).not.toContain('<One>');

      const older = /<a href="([^"]+)" class="pager-older">Older changes →<\/a>/.exec(html)![1].replace(/&amp;/g, '&');
      expect(older).toBe('/console/audit?page=2');
      const second = await page('?page=2');
      expect(visible(second)).toContain(`Showing 26–${Math.min(50, total)} of ${total}, newest first.`);
      expect(second).toContain('<a href="/console/audit">← Newer changes</a>');
    });

    it('shows an account closing as status changed and closedAt added, with the reason', async () => {
      const html = await page(`?entityType=account&entityId=${ids.F}&action=account.close`);
      const [row] = rowsHtml(html);
      expect(rowsHtml(html)).toHaveLength(1);
      expect(visible(row)).toContain('moved to a competitor');
      expect(row).toMatch(/<li class="diff-changed">\s*<code class="diff-key">status<\/code>\s*<del><span class="visually-hidden">was <\/span>active<\/del>/);
      expect(row).toMatch(/<li class="diff-added">\s*<code class="diff-key">closedAt<\/code>\s*<span class="diff-tag">added<\/span> <ins><span class="visually-hidden">now <\/span>\d{4}-/);
    });

    it('shows a creation as the values set, and a policy change as only the fields that changed', async () => {
      const created = rowsHtml(await page(`?entityType=account&entityId=${gammaId}&action=account.create`));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatch(/<code class="diff-key">name<\/code>\s*<span class="diff-tag">set<\/span> <ins><span class="visually-hidden">now <\/span>Gamma &lt;One&gt;<\/ins>/);

      const policy = rowsHtml(await page('?entityType=policy&action=policy.update'));
      expect(policy.length).toBe(2);
      // Newest first: enforcement back on, then shadow mode.
      expect(visible(policy[0])).toMatch(/enforceFrom was 2999-01-01 → now null \d+ unchanged fields not shown\./);
      expect(visible(policy[1])).toMatch(/enforceFrom was null → now 2999-01-01/);
      // The policy page is for admins: a manager gets its name without a link.
      expect(policy[0]).toContain('<td data-label="Entity" class="text">\n              Policy\n');
      expect(policy[0]).not.toContain('href="/console/policy"');
    });

    it('filters by who did it, entity, action and days, as the API counts them', async () => {
      const mine = rowsHtml(await page(`?actorId=${apiManager.id}`));
      expect(mine).toHaveLength(1);
      expect(visible(mine[0])).toContain('Account changed');
      const select = await page(`?actorId=${apiManager.id}`);
      expect(select).toMatch(new RegExp(`<option value="${apiManager.id}" selected>Test manager \\d+ \\(manager\\)</option>`));
      expect(select).not.toMatch(/<option value="\d+"[^>]*>[^<]*\(client\)<\/option>/);

      const accountA = await page(`?entityType=account&entityId=${ids.A}`);
      expect(visible(accountA)).toContain(`of ${await apiTotal({ entityType: 'account', entityId: ids.A })}, newest first`);
      for (const row of rowsHtml(accountA)) expect(row).toContain(`<a href="/console/accounts/${ids.A}">Acme &amp; Sons &lt;Ltd&gt; (account ${ids.A})</a>`);

      const grants = await page('?action=points.grant');
      expect(rowsHtml(grants)).toHaveLength(2);
      expect(visible(grants)).toContain('of 2, newest first');
      expect(visible(rowsHtml(grants)[0])).toContain('test grant');

      const charges = rowsHtml(await page('?entityType=ticket&action=ticket.charge'));
      expect(charges.length).toBeGreaterThan(0);
      expect(charges[charges.length - 1]).toContain(`<a href="/console/tickets/${firstTicketId}">Ticket ${firstTicketId}</a>`);
      expect(rowsHtml(await page(`?entityType=purchase&entityId=${purchaseId}`))[0]).toContain(`<a href="/console/purchases/${purchaseId}">Purchase ${purchaseId}</a>`);
      expect(rowsHtml(await page(`?entityType=letter&entityId=${letterId}`))[0]).toContain(`<a href="/console/letters/${letterId}">Letter ${letterId}</a>`);

      expect(visible(await page(`?from=${today}&to=${today}`))).toContain(`of ${await apiTotal({ from: today, to: today })}, newest first`);
      const tomorrow = utcDay(new Date(now.getTime() + DAY_MS));
      expect(visible(await page(`?from=${tomorrow}`))).toContain('No change matches this filter.');
      expect(visible(await page('?to=2000-01-01'))).toContain('No change matches this filter.');
      // The last day there is means no end, as in the API.
      expect(visible(await page(`?from=${today}&to=9999-12-31`))).toContain(`of ${await apiTotal({ from: today })}, newest first`);
    });

    it('refuses filter values it cannot use next to their field, with 422', async () => {
      const html = await page('?actorId=abc&from=2026-13-01&to=2026-01-01&entityId=' + 'x'.repeat(65) + '&entityType=Not%20a%20type', 422);
      expect(fieldError(html, 'audit-actor')).toBe('Choose a person from the list');
      expect(fieldError(html, 'audit-from')).toBe('From must be a real date written YYYY-MM-DD');
      expect(fieldError(html, 'audit-entity-id')).toMatch(/^Entity id must be shorter than or equal to 64 characters/);
      expect(fieldError(html, 'audit-entity-type')).toBe('Choose an entity type from the list');
      expect(visible(html)).toContain('Correct the filter above to see changes.');
      expect(rowsHtml(html)).toHaveLength(0);

      const backwards = await page('?from=2026-03-02&to=2026-03-01', 422);
      expect(fieldError(backwards, 'audit-to')).toBe('To must be on or after From');
    });
  });
});
