import { Page } from 'playwright-core';
import request from 'supertest';
import { balanceOf, grant, makeAccount } from '../factories';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { TestApp } from '../helpers/test-app';
import { describeInBrowser, horizontalOverflow, logIn, makeUser, useBrowserSuite, waitForText } from './browser';

/*
 * A manager writes an announcement letter, previews it for two accounts,
 * approves and sends it after reading the confirmation, and watches the
 * progress bar fill by itself: the app runs its real scheduler (small
 * batches, a fast outbox) against a real SMTP server. Then a bulk grant,
 * and both at phone width.
 */
describeInBrowser('letters and bulk grants in a browser', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let base: string;
  let page: Page;
  let manager: { email: string; password: string; name: string };
  let accounts: { id: string; name: string }[];
  let letterId: string;
  let batchId: string;

  // The SMTP server first: the app is started with its address.
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  // Each test's page must end without script errors or CSP violations, and the ledger invariants must hold.
  const suite = useBrowserSuite(() => ({
    env: { SMTP_URL: smtp.url, SCHEDULER_ENABLED: 'true', CAMPAIGN_BATCH_SIZE: '1', CAMPAIGN_BATCH_INTERVAL_MS: '250', OUTBOX_POLL_MS: '200' },
  }));
  beforeAll(async () => {
    ({ t, base } = suite);
    manager = await makeUser(t, 'manager', 'Morgan Manager');
    // The audience: customers since before 1960. Accounts made by makeAccount without a date are in no such segment.
    accounts = [];
    for (const [name, points, contact] of [['Acme <Labs>', 4, 'Ada Acme'], ['Birch & Sons', 2, 'Ben Birch'], ['Cedar Co', 0, 'Cy Cedar']] as const) {
      const a = await makeAccount(t, { name, customerSince: '1955-04-01', contacts: [{ name: contact, email: `${contact.split(' ')[0].toLowerCase()}.${process.pid}@client.test` }] });
      if (points) await grant(t, a.id, points);
      accounts.push(a);
    }
  });
  afterAll(async () => {
    await smtp?.close();
  });
  beforeEach(() => {
    ({ page } = suite);
  });

  const status = () => page.getByRole('status');
  const preview = () => page.getByRole('region', { name: 'Preview' });

  it('lets a manager write a letter, preview it for two accounts, approve and send it, and watch it go out', async () => {
    await logIn(page, base, manager);
    await page.getByRole('link', { name: 'Letters' }).click();
    await page.getByRole('heading', { level: 1, name: 'Letters' }).waitFor();
    await page.getByRole('link', { name: 'New letter' }).click();
    await page.getByRole('heading', { level: 1, name: 'New letter' }).waitFor();

    await page.getByLabel('Title', { exact: true }).fill('Spring terms');
    await page.getByLabel('Subject', { exact: true }).fill('{{account.name}}: your support points');
    await page.getByLabel('Body', { exact: true }).fill('Dear {{contact.name}},\n\nYou have {{balance}} points; with this letter, {{balanceAfterGrant}}.');
    await page.getByLabel('Customer since before').fill('1960-01-01');
    await page.getByLabel('Points to grant each account').fill('3');

    // The preview follows the form: the audience in numbers and the letter as its first account reads it.
    await waitForText(preview(), '3 accounts, 3 emails, 9 points');
    await waitForText(preview(), 'Acme <Labs>: your support points');
    await waitForText(preview(), 'Dear Ada Acme,');
    await waitForText(preview(), 'You have 4 points; with this letter, 7.');
    // … and as another account reads it.
    await page.getByLabel('Preview for').selectOption({ label: 'Birch & Sons' });
    await waitForText(preview(), 'Birch & Sons: your support points');
    await waitForText(preview(), 'Dear Ben Birch,');
    await waitForText(preview(), 'You have 2 points; with this letter, 5.');

    // A mistyped merge field is shown next to the field while typing, and goes away once corrected.
    await page.getByLabel('Subject', { exact: true }).fill('{{acount.name}}: your support points');
    await waitForText(page.locator('#letter-subject-error'), 'Unknown merge field {{acount.name}}');
    await page.getByLabel('Subject', { exact: true }).fill('{{account.name}}: your support points');
    await waitForText(preview(), 'Birch & Sons: your support points');
    expect(await page.locator('#letter-subject-error').count()).toBe(0);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await waitForText(status(), 'Letter “Spring terms” saved as a draft.');
    await page.getByRole('heading', { level: 1, name: 'Spring terms' }).waitFor();
    letterId = /\/console\/letters\/(\d+)$/.exec(page.url())![1];

    await page.getByRole('button', { name: 'Approve letter' }).click();
    await waitForText(status(), 'Letter “Spring terms” approved');
    expect(await page.getByLabel('Subject', { exact: true }).count()).toBe(0);
    await page.getByLabel('Preview for').selectOption({ label: 'Cedar Co' });
    await waitForText(preview(), 'Dear Cy Cedar,');

    // The confirmation says what sending does, in numbers; its button says it again.
    await page.getByRole('button', { name: 'Send letter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Send “Spring terms”' }).waitFor();
    await waitForText(page.getByRole('region', { name: 'What happens' }), 'Send to 3 accounts: 3 emails, 9 points.');
    await page.getByRole('button', { name: 'Send to 3 accounts: 3 emails, 9 points' }).click();
    await waitForText(status(), 'Sending “Spring terms” to 3 accounts: 3 emails, 9 points.');

    // The bar fills by itself (the page polls the server) until every email has left.
    const bar = page.getByRole('progressbar');
    const progress = page.getByRole('region', { name: 'Progress' });
    await waitForText(progress, /Sent \d of 3 emails/);
    await waitForText(progress, 'Sent 3 of 3 emails (100%)', 30_000);
    expect(await bar.evaluate((el) => [(el as HTMLProgressElement).value, (el as HTMLProgressElement).max])).toEqual([3, 3]);
    await waitForText(progress, 'Status: Sent', 10_000);
    await waitForText(page.locator('#letter-status'), 'Sent');
    const recipients = page.getByRole('region', { name: 'Recipients' });
    await waitForText(recipients, 'Acme <Labs> Done 1');
    await waitForText(recipients, 'Cedar Co Done 1');

    // It is server state: a reload shows the same, read-only.
    await page.reload();
    await waitForText(page.getByRole('region', { name: 'Progress' }), 'Sent 3 of 3 emails (100%)');
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await waitForText(page.getByRole('note').first(), 'This letter is sent and can no longer be changed.');

    expect(smtp.received.filter((m) => m.subject.endsWith(': your support points')).map((m) => m.subject).sort())
      .toEqual(['Acme <Labs>: your support points', 'Birch & Sons: your support points', 'Cedar Co: your support points']);
    expect(await Promise.all(accounts.map((a) => balanceOf(t, a.id)))).toEqual([7, 5, 3]);
    await page.getByRole('link', { name: 'Letters', exact: true }).first().click();
    await waitForText(page.getByRole('region', { name: 'All letters' }), 'Spring terms Sent 3 of 3 emails sent');
  });

  it('lets a manager grant points to a segment after a preview and a confirmation, and shows the progress', async () => {
    await logIn(page, base, manager);
    await page.getByRole('link', { name: 'Bulk grants' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bulk grants' }).waitFor();
    await page.getByLabel('Customer since before').fill('1960-01-01');
    await page.getByLabel('Points per account').fill('5');
    await page.getByLabel('Reason').fill('Grandfathered points for long-standing clients');
    const who = page.getByRole('region', { name: 'Who gets the points' });
    await waitForText(who, 'Grant 5 points to 3 accounts: 15 points');
    await waitForText(who, 'Acme <Labs>');

    await page.getByRole('button', { name: 'Review bulk grant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Confirm bulk grant' }).waitFor();
    await waitForText(page.getByRole('region', { name: 'What happens' }), 'Grant 5 points to 3 accounts: 15 points.');
    await page.getByRole('button', { name: 'Grant 5 points to 3 accounts: 15 points' }).click();
    await waitForText(status(), 'Bulk grant started: 5 points to each of 3 accounts, 15 points in all.');
    batchId = /\/console\/grants\/(\d+)$/.exec(page.url())![1];
    const progress = page.getByRole('region', { name: 'Progress' });
    await waitForText(progress, 'Granted 3 of 3 accounts (100%)', 30_000);
    await waitForText(progress, '15 of 15 points granted');
    await waitForText(page.locator('#grant-status'), 'Done', 10_000);
    expect(await Promise.all(accounts.map((a) => balanceOf(t, a.id)))).toEqual([12, 10, 8]);

    await page.getByRole('link', { name: '← Bulk grants' }).click();
    await waitForText(page.getByRole('region', { name: 'Earlier bulk grants' }), '5 points 3 accounts 15 points Grandfathered points for long-standing clients Done');
  });

  it('fits a phone-sized screen without horizontal scrolling', async () => {
    await logIn(page, base, manager);
    const draft = await request(t.http).post('/api/letters').set(t.admin.auth).send({
      title: 'A draft with a rather long title that has to wrap on a phone', subject: '{{account.name}}: a long subject line about support points and terms',
      body: 'Dear {{contact.name}},\n\nAVeryLongWordWithoutAnyBreaksThatMustStillWrapOnANarrowScreenSomehow.', audience: { customerSinceBefore: '1960-01-01' }, grantPoints: 1,
    });
    expect(draft.status).toBe(201);
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/console/letters', '/console/letters/new', `/console/letters/${draft.body.id}`, `/console/letters/${letterId}`, '/console/grants', `/console/grants/${batchId}`]) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }
    // The confirmations too.
    await page.goto(`${base}/console/grants`);
    await page.getByLabel('Customer since before').fill('1960-01-01');
    await page.getByLabel('Points per account').fill('1');
    await page.getByLabel('Reason').fill('Phone check');
    await page.getByRole('button', { name: 'Review bulk grant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Confirm bulk grant' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await request(t.http).post(`/api/letters/${draft.body.id}/approve`).set(t.admin.auth).expect(200);
    await page.goto(`${base}/console/letters/${draft.body.id}/send`);
    await waitForText(page.getByRole('region', { name: 'What happens' }), 'Send to 3 accounts: 3 emails, 3 points.');
    expect(await horizontalOverflow(page)).toBe(0);
  });
});
