import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { balanceOf, grant, makeAccount, setPolicy } from '../factories';
import { ADMIN, TestApp } from '../helpers/test-app';
import { describeInBrowser, horizontalOverflow, logIn, makeUser, useBrowserSuite, waitForText } from './browser';

describeInBrowser('agent console in a browser', () => {
  // Each test's page must end without script errors or CSP violations, and the ledger invariants must hold.
  const suite = useBrowserSuite();
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let agent: { email: string; password: string; name: string };
  let manager: { email: string; password: string; name: string };

  beforeAll(async () => {
    ({ t, base, browser } = suite);
    agent = await makeUser(t, 'agent', 'Alex Agent');
    manager = await makeUser(t, 'manager', 'Morgan Manager');
  });
  beforeEach(() => {
    ({ context, page } = suite);
  });

  const balanceRegion = () => page.getByRole('region', { name: 'Balance' });

  it('sends a visitor to the login page, logs in and out, and keeps clients out', async () => {
    await page.goto(`${base}/console`);
    await page.getByRole('heading', { name: 'Log in to the Pointdesk console' }).waitFor();

    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page.getByRole('alert'), 'Wrong email or password');

    await logIn(page, base, agent);
    await waitForText(page.getByRole('status'), 'Signed in as Alex Agent');
    const session = (await context.cookies()).find((c) => c.name === 'pd_console_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console' });

    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page.getByRole('status'), 'You have logged out');
    await page.goto(`${base}/console`);
    await page.getByRole('heading', { name: 'Log in to the Pointdesk console' }).waitFor();

    const account = await makeAccount(t);
    const client = await makeUser(t, 'client', 'Casey Client', account.id);
    await page.getByLabel('Email').fill(client.email);
    await page.getByLabel('Password').fill(client.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page.getByRole('alert'), 'This console is for staff');
    expect((await context.cookies()).some((c) => c.name === 'pd_console_session')).toBe(false);
  });

  it('voids a session on logout, so a copied cookie no longer opens the console or the API', async () => {
    await logIn(page, base, agent);
    await waitForText(page.getByRole('status'), 'Signed in as Alex Agent');
    const copied = (await context.cookies()).find((c) => c.name === 'pd_console_session')!;
    const api = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${copied.value}` } });
    expect(api.status).toBe(401);

    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page.getByRole('status'), 'You have logged out');

    const other = await browser.newContext();
    await other.addCookies([copied]);
    const stolen = await other.newPage();
    await stolen.goto(`${base}/console`);
    await stolen.getByRole('heading', { name: 'Log in to the Pointdesk console' }).waitFor();
    await other.close();
  });

  it("finds an account as the agent types part of a contact's email", async () => {
    const account = await makeAccount(t, {
      name: 'Harbourlight Dental Group',
      contacts: [{ name: 'Ruth Okafor', email: 'ruth.okafor@harbourlight-dental.test', phone: '+1 555 0142' }],
    });
    await makeAccount(t, { name: 'Unrelated Bakery' });
    await logIn(page, base, agent);
    const startUrl = page.url();

    await page.getByLabel('Search accounts').pressSequentially('okafor@harbour', { delay: 20 });
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('link', { name: 'Harbourlight Dental Group' }).waitFor();
    await waitForText(results, '1 account matches “okafor@harbour”');
    expect(await results.getByRole('link', { name: 'Unrelated Bakery' }).count()).toBe(0);
    expect(page.url()).toBe(startUrl); // type-ahead: results swapped in, no navigation

    await results.getByRole('link', { name: 'Harbourlight Dental Group' }).click();
    await page.getByRole('heading', { level: 1, name: 'Harbourlight Dental Group' }).waitFor();
    expect(page.url()).toBe(`${base}/console/accounts/${account.id}`);
  });

  it('logs a client-caused phone call in place, then refunds it by reclassifying as provider fault', async () => {
    const account = await makeAccount(t, { name: 'Northwind Traders' });
    await grant(t, account.id, 5);
    await makeType(t, 'how-to-question', 'How-to question', 2);
    await logIn(page, base, agent);
    await page.goto(`${base}/console/accounts/${account.id}`);
    await waitForText(balanceRegion(), '5 points');

    await page.getByLabel('Channel').selectOption('phone');
    await page.getByLabel('Incident type').selectOption({ label: 'How-to question (2 points)' });
    await page.getByLabel('Fault').selectOption('client');
    await waitForText(page.locator('.script-box'), 'After this call you will have 3 points left');
    await page.getByLabel('Subject').fill('How do I export invoices?');
    await page.getByLabel('Description').fill('Walked through the export menu.');

    // Survives only if the page is not reloaded. (Strings, as the test tsconfig has no DOM types.)
    await page.evaluate('window.notReloaded = true');
    await page.getByRole('button', { name: 'Log call' }).click();
    await waitForText(page.getByRole('status'), /Call PD-\d{6} logged — 2 points debited/);
    await waitForText(balanceRegion(), '3 points');
    const tickets = page.getByRole('region', { name: 'Recent tickets' });
    await waitForText(tickets, 'How do I export invoices?');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    expect(await page.getByLabel('Subject').inputValue()).toBe(''); // a fresh form for the next call
    expect(await balanceOf(t, account.id)).toBe(3);

    await tickets.getByRole('link', { name: /^PD-\d{6}$/ }).first().click();
    await page.getByRole('heading', { level: 1, name: /How do I export invoices\?/ }).waitFor();
    const entries = page.getByRole('region', { name: 'Ledger entries' });
    await waitForText(entries, 'Incident');

    await page.getByLabel('Fault').selectOption('provider');
    await page.getByRole('button', { name: 'Save classification' }).click();
    await waitForText(page.getByRole('status'), 'classified as Provider fault (ours): 2 points credited to the account. Balance now 5 points.');
    await waitForText(entries, 'Refund');
    await waitForText(page.getByRole('region', { name: 'Details' }), 'No charge');
    expect(await balanceOf(t, account.id)).toBe(5);

    // Once resolved, an agent may no longer reclassify, and is told why.
    await page.getByLabel('Resolution').fill('Export works; the client had the wrong printer set.');
    await page.getByRole('button', { name: 'Resolve ticket' }).click();
    await waitForText(page.getByRole('status'), 'resolved');
    await waitForText(page.getByRole('region', { name: 'Classify' }), 'only a manager can change its classification');
    expect(await page.getByRole('button', { name: 'Save classification' }).count()).toBe(0);

    // A manager still can: the charge follows the new classification.
    const ticketUrl = page.url();
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, base, manager);
    await page.goto(ticketUrl);
    await page.getByLabel('Fault').selectOption('client');
    await page.getByRole('button', { name: 'Save classification' }).click();
    await waitForText(page.getByRole('status'), 'classified as Client caused: 2 points debited. Balance now 3 points.');
    expect(await balanceOf(t, account.id)).toBe(3);
  });

  it('shows per-field errors without saving when the subject is missing', async () => {
    const account = await makeAccount(t);
    await logIn(page, base, agent);
    await page.goto(`${base}/console/accounts/${account.id}`);
    // Bypass the browser's own "required" check to see the server's answer.
    await page.getByLabel('Subject').evaluate((el) => el.removeAttribute('required'));
    await page.getByRole('button', { name: 'Log call' }).click();
    await waitForText(page.locator('#call-subject-error'), 'Subject is required');
    expect(await page.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
    await waitForText(page.getByRole('region', { name: 'Recent tickets' }), 'No tickets yet');
  });

  it('lets a manager grant points and shows the new balance', async () => {
    const account = await makeAccount(t, { name: 'Contoso Legal' });
    await grant(t, account.id, 1);
    await logIn(page, base, manager);
    await page.goto(`${base}/console/accounts/${account.id}`);
    await waitForText(balanceRegion(), 'Low balance — offer Buy 5 get 6: 6 points for $375.00');

    await page.getByRole('link', { name: 'Grant points' }).click();
    await page.getByRole('heading', { name: 'Grant points to Contoso Legal' }).waitFor();
    await page.getByLabel('Points').fill('4');
    await page.getByLabel('Reason').fill('Long-standing customer since 2012');
    await page.getByRole('button', { name: 'Grant points' }).click();

    await page.getByRole('heading', { level: 1, name: 'Contoso Legal' }).waitFor();
    await waitForText(page.getByRole('status'), 'Granted 4 points. Balance now 5 points.');
    await waitForText(balanceRegion(), '5 points');
    expect(await balanceRegion().getByText('Low balance —').count()).toBe(0);
    expect(await balanceOf(t, account.id)).toBe(5);

    // A forged form post (no CSRF token) changes nothing.
    const forged = await page.request.post(`${base}/console/accounts/${account.id}/grant`, { form: { points: '50', reason: 'forged request' } });
    expect(forged.status()).toBe(403);
    expect(await balanceOf(t, account.id)).toBe(5);
  });

  it('does not show an agent the grant page, nor let them open it', async () => {
    const account = await makeAccount(t);
    await logIn(page, base, agent);
    await page.goto(`${base}/console/accounts/${account.id}`);
    await balanceRegion().waitFor();
    expect(await page.getByRole('link', { name: 'Grant points' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Incident types' }).count()).toBe(0);

    const res = await page.goto(`${base}/console/accounts/${account.id}/grant`);
    expect(res?.status()).toBe(403);
    await waitForText(page.getByRole('alert'), 'This page is for managers and admins only');
    expect(await page.getByLabel('Points').count()).toBe(0);
  });

  it('lets a manager maintain incident types, with errors next to the field', async () => {
    await logIn(page, base, manager);
    await page.getByRole('link', { name: 'Incident types' }).click();
    await page.getByRole('heading', { level: 1, name: 'Incident types' }).waitFor();
    const form = page.getByRole('region', { name: 'New incident type' });
    await form.getByLabel('Name').fill('Data recovery');
    await form.getByLabel('Code').fill('Data Recovery!');
    await form.getByLabel('Points').fill('3');
    await form.getByRole('button', { name: 'Create incident type' }).click();
    await waitForText(page.locator('#new-type-code-error'), 'Code must be lowercase letters');

    await form.getByLabel('Code').fill('data-recovery');
    await form.getByRole('button', { name: 'Create incident type' }).click();
    await waitForText(page.getByRole('status'), 'Incident type “Data recovery” created (3 points).');
    const list = page.getByRole('region', { name: 'All incident types' });
    await list.getByRole('button', { name: 'Deactivate Data recovery' }).click();
    await waitForText(page.getByRole('status'), 'Incident type “Data recovery” deactivated.');

    await list.getByRole('link', { name: 'Edit Data recovery' }).click();
    await page.getByLabel('Points').fill('4');
    await page.getByLabel('Active (can be chosen for new calls)').check();
    await page.getByRole('button', { name: 'Save incident type' }).click();
    await waitForText(page.getByRole('status'), 'Incident type “Data recovery” saved.');
    await waitForText(list, '4 points');

    // Policy and users are for admins only.
    expect(await page.getByRole('link', { name: 'Policy' }).count()).toBe(0);
    expect((await page.goto(`${base}/console/policy`))?.status()).toBe(403);
  });

  it('lets an admin edit the policy and create users', async () => {
    await logIn(page, base, { email: ADMIN.email, password: ADMIN.password });
    await page.getByRole('link', { name: 'Policy' }).click();
    await page.getByLabel('Currency').fill('US');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await waitForText(page.locator('#policy-currency-error'), 'Currency must be an ISO-4217 code such as USD');
    await page.getByLabel('Currency').fill('EUR');
    await page.getByLabel('Email').check();
    await page.getByLabel('Charging starts on').fill('2999-01-01');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await waitForText(page.getByRole('status'), 'Policy saved');
    const saved = await request(t.http).get('/api/policy').set(t.admin.auth);
    expect(saved.body).toMatchObject({ currency: 'EUR', chargeableChannels: ['phone', 'email'], enforceFrom: '2999-01-01' });

    // Shadow mode shows in the call script.
    const account = await makeAccount(t);
    await page.goto(`${base}/console/accounts/${account.id}`);
    await page.getByLabel('Fault').selectOption('client');
    await waitForText(page.locator('.script-box'), 'This call would cost 1 point — not charged yet (charging starts 2999-01-01).');
    await setPolicy(t, { currency: 'USD', chargeableChannels: ['phone'], enforceFrom: null });

    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('region', { name: 'New user' });
    await form.getByLabel('Name').fill('Sam Support');
    await form.getByLabel('Email').fill('sam.support@browser.test');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByLabel('Password').fill('short');
    await form.getByLabel('Password').evaluate((el) => el.removeAttribute('minlength'));
    await form.getByRole('button', { name: 'Create user' }).click();
    await waitForText(page.locator('#user-password-error'), 'Password must be longer than or equal to 8 characters');
    await form.getByLabel('Password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await waitForText(page.getByRole('status'), 'User sam.support@browser.test created as agent.');
    await waitForText(page.getByRole('region', { name: /All users/ }), 'Sam Support');
  });

  it('fits a phone-sized screen without horizontal scrolling', async () => {
    const account = await makeAccount(t, { name: 'A company with a rather long name to wrap on small screens' });
    await logIn(page, base, manager);
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ['/console', `/console/accounts/${account.id}`, '/console/incident-types']) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }
  });

  it('renders an account page worth a screenshot at 1280×800', async () => {
    // Low balance at 2 points, so the screenshot shows the bundle banner too.
    await setPolicy(t, { lowBalanceThreshold: 2 });
    try {
      const account = await makeAccount(t, {
        name: 'Harbourlight Dental Group', favoured: true, customerSince: '2011-04-01',
        contacts: [
          { name: 'Ruth Okafor', email: 'ruth.okafor@harbourlight.example', phone: '+1 555 0142' },
          { name: 'Tom Brennan', email: 'it@harbourlight.example' },
        ],
      });
      await grant(t, account.id, 4);
      await makeType(t, 'manual-question', 'Answered by the manual', 1);
      const manualQuestion = 'Answered by the manual (1 point)';
      await logIn(page, base, agent);
      await page.goto(`${base}/console/accounts/${account.id}`);
      const logCall = async (subject: string, fault: string, typeLabel?: string) => {
        await page.getByLabel('Incident type').selectOption(typeLabel ? { label: typeLabel } : '');
        await page.getByLabel('Fault').selectOption(fault);
        await page.getByLabel('Subject').fill(subject);
        await page.getByRole('button', { name: 'Log call' }).click();
        await waitForText(page.getByRole('region', { name: 'Recent tickets' }), subject);
      };
      await logCall('Appointment reminders not sending', 'provider');
      await logCall('How to print a day sheet', 'client', manualQuestion);
      await logCall('Where is the invoice export?', 'client', manualQuestion);
      await logCall('Password reset for front desk', 'undetermined');
      await waitForText(balanceRegion(), '2 points');
      await waitForText(balanceRegion(), 'Low balance — offer Buy 5 get 6: 6 points for $375.00');
      await page.getByText('Favoured', { exact: true }).waitFor();

      await page.getByLabel('Incident type').selectOption({ label: manualQuestion });
      await page.getByLabel('Fault').selectOption('client');
      await waitForText(page.locator('.script-box'), 'After this call you will have 1 point left');
      await page.getByLabel('Subject').fill('Scanner not detected');
      await page.evaluate('window.scrollTo(0, 0)');
      // The committed README image is refreshed only on request, so ordinary runs leave the tree clean.
      const file = process.env.UPDATE_SCREENSHOT ? join(process.cwd(), '.github', 'console.png') : join(__dirname, '.output', 'console.png');
      mkdirSync(dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    } finally {
      await setPolicy(t, { lowBalanceThreshold: 1 });
    }
  });
});

/** An incident type with a readable name (the factory's names are generated). */
async function makeType(t: TestApp, code: string, name: string, points: number): Promise<void> {
  const res = await request(t.http).post('/api/incident-types').set(t.admin.auth).send({ code, name, points });
  if (res.status !== 201) throw new Error(`incident type: ${res.status} ${JSON.stringify(res.body)}`);
}
