import { Page } from 'playwright-core';
import request from 'supertest';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { grant, makeAccount } from '../factories';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { TestApp } from '../helpers/test-app';
import { describeInBrowser, horizontalOverflow, logIn, makeUser, useBrowserSuite, waitForText } from './browser';

describeInBrowser('bundles, the low-balance offer and the outbox in a browser', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  /** While true, the SMTP server answers mail to bounce.* with a permanent 550. */
  let bouncing = true;
  let base: string;
  let page: Page;
  let manager: { email: string; password: string; name: string };
  let agent: { email: string; password: string; name: string };

  // The SMTP server first: the app is started with its address.
  beforeAll(async () => {
    smtp = await startSmtpSink({ reject: (m) => (bouncing && m.to.some((a) => a.startsWith('bounce.')) ? { code: 550, message: 'mailbox unavailable' } : null) });
  });
  // Each test's page must end without script errors or CSP violations, and the ledger invariants must hold.
  const suite = useBrowserSuite(() => ({ env: { SMTP_URL: smtp.url } }));
  beforeAll(async () => {
    ({ t, base } = suite);
    manager = await makeUser(t, 'manager', 'Morgan Manager');
    agent = await makeUser(t, 'agent', 'Alex Agent');
  });
  afterAll(async () => {
    await smtp?.close();
  });
  beforeEach(() => {
    ({ page } = suite);
  });

  const status = () => page.getByRole('status');

  it('lets a manager create a bundle, change its price and take it off sale', async () => {
    await logIn(page, base, manager);
    await page.getByRole('link', { name: 'Bundles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bundles' }).waitFor();
    const list = page.getByRole('region', { name: 'All bundles' });
    await waitForText(list, 'Buy 5 get 6');

    const form = page.getByRole('region', { name: 'New bundle' });
    await form.getByLabel('Name').fill('Buy 10 get 12');
    await form.getByLabel('Code').fill('Buy 10!');
    await form.getByLabel('Paid incidents').fill('10');
    await form.getByLabel('Bonus incidents').fill('2');
    await form.getByLabel('Price').fill('750.999');
    await form.getByRole('button', { name: 'Create bundle' }).click();
    await waitForText(page.locator('#new-bundle-code-error'), 'Code must be lowercase letters, digits');
    await waitForText(page.locator('#new-bundle-price-error'), 'Price must be an amount in USD such as 375.00');
    expect(await form.getByLabel('Code').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Name').inputValue()).toBe('Buy 10 get 12');

    await form.getByLabel('Code').fill('buy10get12');
    await form.getByLabel('Price').fill('750');
    await form.getByRole('button', { name: 'Create bundle' }).click();
    await waitForText(status(), 'Bundle “Buy 10 get 12” created: 12 points for $750.00.');
    await waitForText(list, 'Buy 10 get 12 buy10get12 12 points (10 paid + 2 bonus) $750.00 Always On sale');

    await list.getByRole('link', { name: 'Edit Buy 10 get 12' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit bundle: Buy 10 get 12' }).waitFor();
    expect(await page.getByLabel('Price').inputValue()).toBe('750.00');
    await page.getByLabel('Price').fill('700');
    await page.getByRole('button', { name: 'Save bundle' }).click();
    await waitForText(status(), 'Bundle “Buy 10 get 12” saved: 12 points for $700.00.');
    await waitForText(list, 'Buy 10 get 12 buy10get12 12 points (10 paid + 2 bonus) $700.00');

    await list.getByRole('button', { name: 'Deactivate Buy 10 get 12' }).click();
    await waitForText(status(), 'Bundle “Buy 10 get 12” deactivated: it is no longer on sale.');
    await waitForText(list, '$700.00 Always Inactive');
    await list.getByRole('button', { name: 'Reactivate Buy 10 get 12' }).waitFor();

    const api = await request(t.http).get('/api/bundles').set(t.admin.auth);
    expect(api.body.items.find((b: { code: string }) => b.code === 'buy10get12')).toMatchObject({ priceCents: 70000, active: false, onSale: false });
  });

  it('names the bundle to offer when a call takes the balance low, in place', async () => {
    const account = await makeAccount(t, {
      name: 'Harbour Optics',
      contacts: [
        { name: 'Olive Owner', email: `olive.${process.pid}@client.test` },
        { name: 'Bea Bounce', email: `bounce.${process.pid}@client.test` },
      ],
    });
    await grant(t, account.id, 2);
    await logIn(page, base, agent);
    await page.goto(`${base}/console/accounts/${account.id}`);
    const balance = page.getByRole('region', { name: 'Balance' });
    await waitForText(balance, '2 points');
    expect(await balance.getByText('Low balance —').count()).toBe(0);

    await page.getByLabel('Fault').selectOption('client');
    await page.getByLabel('Subject').fill('Lens order stuck');
    await page.getByRole('button', { name: 'Log call' }).click();
    await waitForText(status(), /Call PD-\d{6} logged — 1 point debited/);
    // Buy 10 get 12 was taken off sale above, so the cheapest on sale is the default bundle.
    await waitForText(balance, 'Low balance — offer Buy 5 get 6: 6 points for $375.00');
    await waitForText(balance, '5 paid + 1 bonus; the cheapest bundle on sale today.');
  });

  it('shows the outbox, one email with its body, and sends a failed email again', async () => {
    // The call above queued one low-balance offer per contact; the one to bounce.* is refused for good.
    expect(await t.app.get(OutboxSender).drain()).toMatchObject({ sent: 1, failed: 1 });
    await logIn(page, base, manager);
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    await waitForText(page.getByRole('region', { name: 'Totals' }), '0 Pending 1 Sent 1 Failed');
    expect(await page.getByText('Email delivery is off').count()).toBe(0);

    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Show emails' }).click();
    const emails = page.getByRole('region', { name: 'Emails matching the filter' });
    await waitForText(emails, 'Showing 1–1 of 1');
    await waitForText(emails, `bounce.${process.pid}@client.test`);
    expect(page.url()).toContain('status=failed');

    await emails.getByRole('link', { name: 'Harbour Optics: 1 point of support left' }).click();
    await page.getByRole('heading', { level: 1, name: 'Email: Harbour Optics: 1 point of support left' }).waitFor();
    const headers = page.getByRole('region', { name: 'Headers' });
    await waitForText(headers, `To bounce.${process.pid}@client.test`);
    await waitForText(headers, 'Status Failed');
    await waitForText(headers, 'mailbox unavailable');
    await waitForText(page.getByRole('region', { name: 'Plain-text body' }).locator('pre'), 'Dear Bea Bounce');
    // The HTML body renders inside its sandboxed frame (the CSP allows it; a blocked frame would log an error).
    const html = page.frameLocator('iframe[title="HTML body of the email"]');
    await html.getByText('Buy 5 get 6').waitFor();
    await html.getByText('Dear Bea Bounce,').waitFor();

    bouncing = false;
    await headers.getByRole('button', { name: 'Retry' }).click();
    await waitForText(status(), `Email to bounce.${process.pid}@client.test queued again. It goes out with the next outbox round.`);
    await waitForText(headers, 'Status Pending Attempts 0');
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    expect(await t.app.get(OutboxSender).drain()).toMatchObject({ sent: 1, failed: 0 });
    await page.reload();
    await waitForText(headers, 'Status Sent');
    await waitForText(headers, /Sent at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(smtp.received.filter((m) => m.to.includes(`bounce.${process.pid}@client.test`))).toHaveLength(1);
  });

  it('keeps the manager pages from agents, and out of their navigation', async () => {
    await logIn(page, base, agent);
    expect(await page.getByRole('link', { name: 'Bundles' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Outbox' }).count()).toBe(0);
    expect((await page.goto(`${base}/console/outbox`))?.status()).toBe(403);
    await waitForText(page.getByRole('alert'), 'This page is for managers and admins only');
  });

  it('fits a phone-sized screen without horizontal scrolling', async () => {
    await logIn(page, base, manager);
    const first = await request(t.http).get('/api/notifications?limit=1').set(t.admin.auth);
    const bundle = (await request(t.http).get('/api/bundles').set(t.admin.auth)).body.items[0];
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ['/console/bundles', `/console/bundles/${bundle.id}/edit`, '/console/outbox', `/console/outbox/${first.body.items[0].id}`]) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }
  });
});
