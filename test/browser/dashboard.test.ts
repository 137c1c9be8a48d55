import { Page } from 'playwright-core';
import { grant, makeAccount, makeIncidentType, makeTicket } from '../factories';
import { buy5get6Id, makePurchase, payPurchase } from '../factories/purchases';
import { TestApp } from '../helpers/test-app';
import { describeInBrowser, horizontalOverflow, logIn, makeUser, useBrowserSuite, waitForText } from './browser';

/*
 * A manager logs in and lands on the dashboard: the charts are images a
 * screen reader can name, drawn by the server as SVG, with the test
 * dataset's numbers in the bars and in the "Show the numbers" tables; the
 * summary takes a period; the audit log shows a change as a diff. At phone
 * width nothing scrolls sideways.
 *
 * Dataset (all this week and month): Acme <Labs> 10 points granted, three
 * client calls of 2 points (−6) and one of ours; Birch & Sons one client call
 * with no points (billed $75.00, low balance, phone +1 555 0142); Cedar Co
 * buys buy5get6 for $375.00 (6 points, enrolled).
 */
describeInBrowser('the manager dashboard and audit log in a browser', () => {
  let t: TestApp;
  let base: string;
  let page: Page;
  let manager: { email: string; password: string; name: string };
  let agent: { email: string; password: string; name: string };
  let acme: { id: string };
  let birch: { id: string };

  const suite = useBrowserSuite();
  beforeAll(async () => {
    ({ t, base } = suite);
    manager = await makeUser(t, 'manager', 'Morgan Manager');
    agent = await makeUser(t, 'agent', 'Alex Agent');
    acme = await makeAccount(t, { name: 'Acme <Labs>', contacts: [{ name: 'Ada Acme', email: `ada.${process.pid}@client.test` }] });
    birch = await makeAccount(t, { name: 'Birch & Sons', contacts: [{ name: 'Ben Birch', email: `ben.${process.pid}@client.test`, phone: '+1 555 0142' }] });
    const cedar = await makeAccount(t, { name: 'Cedar Co' });
    await grant(t, acme.id, 10);
    const type2 = await makeIncidentType(t, 2);
    for (let i = 0; i < 3; i++) expect((await makeTicket(t, { accountId: acme.id, fault: 'client', incidentTypeId: type2.id })).status).toBe(201);
    expect((await makeTicket(t, { accountId: acme.id, fault: 'provider' })).status).toBe(201);
    expect((await makeTicket(t, { accountId: birch.id, fault: 'client' })).body.charge.kind).toBe('fee');
    const purchase = await makePurchase(t, cedar.id, { bundleId: await buy5get6Id(t) });
    expect((await payPurchase(t, purchase.id, purchase.amountCents)).status).toBe(200);
  });
  beforeEach(() => {
    ({ page } = suite);
  });

  const region = (name: string) => page.getByRole('region', { name });

  it('lands a manager on the dashboard, with the charts as named images showing the dataset\'s numbers', async () => {
    await logIn(page, base, manager);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/dashboard');
    await waitForText(page.getByRole('status'), 'Signed in as Morgan Manager.');
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect((await nav.getByRole('link').allTextContents())[0]).toBe('Dashboard');

    for (const name of ['Incidents per week by fault', 'Points per week: debited, granted, purchased', 'Revenue per month', 'Migration: legacy → notified → enrolled', 'Accounts closed per month']) {
      const chart = page.getByRole('img', { name });
      expect({ name, visible: await chart.isVisible() }).toEqual({ name, visible: true });
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(80);
    }

    // Incidents: this week's stack is 5 high (1 ours + 4 client), on the right; the numbers table says the same.
    const incidents = region('Incidents per week by fault');
    const incidentsChart = incidents.getByRole('img', { name: 'Incidents per week by fault' });
    expect(await incidentsChart.getAttribute('aria-describedby')).toBe('chart-incidents-desc');
    expect(await page.locator('#chart-incidents-desc').textContent()).toContain('In total 5: 1 provider fault (ours), 4 client caused, 0 not yet known.');
    expect(await incidentsChart.locator('text.chart-value').allTextContents()).toEqual(['5']);
    const table = incidents.getByRole('table');
    expect(await table.isVisible()).toBe(false);
    await incidents.getByText('Show the numbers').click();
    await table.waitFor();
    const lastRow = table.locator('tbody tr').last();
    expect((await lastRow.locator('td').allTextContents()).slice(1)).toEqual(['1', '4', '0', '5']);
    expect(await table.locator('tfoot td').allTextContents()).toEqual(['All weeks', '1', '4', '0', '5']);

    // Points: 6 debited, 10 granted, 6 purchased this week.
    expect(await region('Points per week: debited, granted, purchased').getByRole('img').locator('text.chart-value').allTextContents()).toEqual(['6', '10', '6']);
    // Revenue: $375.00 this month, money formatted for the currency.
    const revenue = region('Revenue per month');
    expect(await revenue.getByRole('img').locator('text.chart-value').allTextContents()).toEqual(['$375.00']);
    await revenue.getByText('Show the numbers').click();
    await waitForText(revenue.getByRole('table').locator('tfoot'), 'All months $375.00');
    // Funnel: 2 legacy, 0 notified, 1 enrolled of 3 active accounts.
    expect(await region('Migration: legacy → notified → enrolled').getByRole('img').locator('text.chart-value').allTextContents())
      .toEqual(['2 (67%)', '0 (0%)', '1 (33%)']);
    await waitForText(region('Accounts closed per month'), 'Closed before the first letter: 0. Closed since the first letter: 0.');

    // The CSV of a chart downloads through the console session.
    const download = page.waitForEvent('download');
    await incidents.getByRole('link', { name: 'Download CSV of incidents per week' }).click();
    expect((await download).suggestedFilename()).toBe('pointdesk-incidents-by-week.csv');
  });

  it('lists the top callers and low balances with links, and sums up a chosen period', async () => {
    await logIn(page, base, manager);
    const top = region('Top 10 callers');
    const firstRow = top.getByRole('row').nth(1);
    expect(await firstRow.getByRole('cell').allTextContents()).toEqual(['1', 'Acme <Labs>', '4', '3', '6']);
    const low = region('Low balance: accounts to call');
    await waitForText(low, 'Birch & Sons 0 points Ben Birch +1 555 0142');
    expect(await low.getByRole('link', { name: '+1 555 0142' }).getAttribute('href')).toBe('tel:+15550142');

    const summary = page.locator('#summary');
    await waitForText(summary, 'Summary: All time');
    await waitForText(summary, 'Revenue received $375.00');
    const today = new Date().toISOString().slice(0, 10);
    await summary.getByLabel('From').fill('2001-01-01');
    await summary.getByLabel('To').fill('2001-12-31');
    await summary.getByRole('button', { name: 'Show summary' }).click();
    await page.getByRole('heading', { level: 2, name: 'Summary: 2001-01-01 to 2001-12-31' }).waitFor();
    await waitForText(summary, 'All incidents 0');
    await summary.getByRole('link', { name: 'This year' }).click();
    await page.getByRole('heading', { level: 2, name: `Summary: ${today.slice(0, 4)}-01-01 to ${today}` }).waitFor();
    await waitForText(summary, 'All incidents 5 Provider fault (ours) 1 Client caused 4');
    await waitForText(summary, 'Per-incident fees billed $75.00');

    // Dates the other way round: the message sits next to the field.
    await summary.getByLabel('From').fill('2001-03-02');
    await summary.getByLabel('To').fill('2001-03-01');
    await summary.getByRole('button', { name: 'Show summary' }).click();
    await waitForText(page.locator('#summary-to-error'), 'To must be on or after From');
    expect(await summary.getByLabel('To').getAttribute('aria-invalid')).toBe('true');

    await low.getByRole('link', { name: 'Birch & Sons' }).click();
    await page.getByRole('heading', { level: 1, name: 'Birch & Sons' }).waitFor();
  });

  it('shows the audit log with filters and a before/after diff', async () => {
    await logIn(page, base, manager);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByLabel('Entity type').selectOption('account');
    await page.getByLabel('Entity id').fill(acme.id);
    await page.getByLabel('Action').fill('account.create');
    await page.getByRole('button', { name: 'Show changes' }).click();
    const changes = region('Changes matching the filter');
    await waitForText(changes, 'Showing 1–1 of 1, newest first.');
    await waitForText(changes, 'Account created account.create');
    await waitForText(changes, 'name set now Acme <Labs>');
    expect(await changes.locator('ins').first().textContent()).toBe('now Acme <Labs>');
    await changes.getByRole('link', { name: `Acme <Labs> (account ${acme.id})`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme <Labs>' }).waitFor();
  });

  it('keeps agents on "Find an account", without the dashboard', async () => {
    await logIn(page, base, agent);
    await page.getByRole('heading', { level: 1, name: 'Find an account' }).waitFor();
    expect(await page.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
    await page.goto(`${base}/console/dashboard`);
    await waitForText(page.locator('main'), 'This page is for managers and admins only');
  });

  it('fits a phone-sized screen without horizontal scrolling, the charts scaled to the width', async () => {
    await logIn(page, base, manager);
    await page.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/console/dashboard', '/console/dashboard?from=2001-03-02&to=2001-03-01', '/console/audit']) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }
    await page.goto(`${base}/console/dashboard`);
    for (const details of await page.getByText('Show the numbers').all()) await details.click();
    expect(await horizontalOverflow(page)).toBe(0);
    const box = (await page.getByRole('img', { name: 'Incidents per week by fault' }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
  });
});
