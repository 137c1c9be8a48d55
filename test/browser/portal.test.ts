import { Page } from 'playwright-core';
import request from 'supertest';
import { balanceOf, grant, makeAccount } from '../factories';
import { buy5get6Id, makePurchase } from '../factories/purchases';
import { TestApp } from '../helpers/test-app';
import { describeInBrowser, horizontalOverflow, logIn, makeUser, portalLogIn, useBrowserSuite, waitForText, watchedPage } from './browser';

const BANK_LINES = ['Harbour Savings Bank', 'IBAN GB33 BUKB 2020 1555 5555 55', 'BIC BUKBGB22'];

describeInBrowser('client portal in a browser', () => {
  const suite = useBrowserSuite({ env: { BILLING_BANK_DETAILS: BANK_LINES.join('\\n') } });
  let t: TestApp;
  let base: string;
  let page: Page;
  beforeEach(() => {
    ({ t, base, page } = suite);
  });

  const balanceRegion = () => page.getByRole('region', { name: 'Balance' });

  it('a client buys buy5get6 by invoice; once a manager records the payment the client sees 6 more points and the purchase paid', async () => {
    const account = await makeAccount(t, { name: 'Meadowlark Media' });
    await grant(t, account.id, 1);
    const client = await makeUser(t, 'client', 'Mina Meadow', account.id);
    const manager = await makeUser(t, 'manager', 'Morgan Manager');

    // An anonymous visitor is sent to the login page.
    await page.goto(`${base}/portal`);
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    await portalLogIn(page, base, client);
    await waitForText(page.getByRole('status'), 'Signed in as Mina Meadow');
    await waitForText(page.getByRole('banner'), 'Meadowlark Media');
    const session = (await suite.context.cookies()).find((c) => c.name === 'pd_portal_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal' });
    await waitForText(balanceRegion(), '1 point');
    await waitForText(balanceRegion(), 'Your balance is low. Buy 5 get 6 gives you 6 points for $375.00');

    // Buy points → the bundle's card → Buy.
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Buy points' }).click();
    await page.getByRole('heading', { level: 1, name: 'Buy points' }).waitFor();
    const bundle = page.getByRole('region', { name: 'Buy 5 get 6' });
    await waitForText(bundle, '6 points (5 paid + 1 bonus) $375.00');
    await bundle.getByLabel('Quantity').fill('1');
    await bundle.getByRole('button', { name: 'Buy' }).click();

    await page.getByRole('heading', { level: 1, name: /^Purchase INV-\d{6}$/ }).waitFor();
    const invoiceNumber = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Purchase ', '').trim();
    await waitForText(page.getByRole('status'), `Purchase ${invoiceNumber} created: Buy 5 get 6 × 1, 6 points.`);
    const byInvoice = page.getByRole('region', { name: 'Pay by invoice' });
    await waitForText(byInvoice, 'Transfer $375.00 to:');
    for (const line of BANK_LINES) await waitForText(byInvoice, line);
    await waitForText(byInvoice, `Payment reference: ${invoiceNumber}`);
    expect(await page.getByRole('button', { name: 'Pay by card' }).count()).toBe(0); // no Stripe keys here
    const purchaseUrl = page.url();
    const purchaseId = purchaseUrl.split('/').pop()!;
    expect(await balanceOf(t, account.id)).toBe(1);

    // The printable invoice opens from the purchase page.
    await page.getByRole('link', { name: 'Invoice', exact: true }).click();
    await waitForText(page.locator('body'), invoiceNumber);
    await waitForText(page.locator('body'), 'Meadowlark Media');
    await page.goBack();

    // A manager records the bank transfer.
    await recordPayment(purchaseId, invoiceNumber, manager);

    // The client reloads the portal: six more points, and the purchase is paid.
    await page.goto(`${base}/portal`);
    await waitForText(balanceRegion(), '7 points');
    expect(await page.getByRole('note').count()).toBe(0); // no low-balance banner any more
    const history = page.getByRole('region', { name: 'Point history' });
    await waitForText(history, 'Purchase +6 points 7 points');
    await waitForText(page.getByRole('region', { name: 'Support terms' }), 'Enrolled');
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Purchases' }).click();
    await page.getByRole('heading', { level: 1, name: 'Purchases' }).waitFor();
    await waitForText(page.getByRole('region', { name: 'Your purchases' }), `${invoiceNumber} Buy 5 get 6 × 1 6 points $375.00 $375.00 $0.00 Paid`);
    await page.getByRole('link', { name: invoiceNumber }).click();
    await waitForText(page.getByRole('region', { name: 'Buy 5 get 6 × 1' }), /Status\s*Paid/);
    await waitForText(page.getByRole('region', { name: 'Payments' }), 'Bank transfer');
    expect(await page.getByRole('region', { name: 'Pay by invoice' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page.getByRole('status'), 'You have logged out');
    await page.goto(`${base}/portal`);
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
  });

  it('opens a free ticket, accepts the new terms, and fits a 375 px wide phone screen without sideways scrolling', async () => {
    const account = await makeAccount(t, { name: 'Wrenfield Veterinary Partners of the Greater Northern Valley', favoured: true });
    await grant(t, account.id, 1);
    for (let i = 0; i < 3; i++) {
      await request(t.http).post(`/api/accounts/${account.id}/points/grants`).set(t.admin.auth)
        .send({ points: 1, reason: `Goodwill for the long-running migration project that needed a very long explanation number ${i}` });
    }
    const client = await makeUser(t, 'client', 'Wendell Wren', account.id);
    await page.setViewportSize({ width: 375, height: 700 });
    await portalLogIn(page, base, client);
    await waitForText(page.getByRole('status'), 'Signed in as Wendell Wren');
    await waitForText(balanceRegion(), '4 points');
    await waitForText(page.getByRole('main'), 'Favoured customer');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: 'Accept the new terms' }).click();
    await waitForText(page.getByRole('status'), 'you have accepted the new support terms');
    await waitForText(page.getByRole('region', { name: 'Support terms' }), 'Enrolled — you are on the new support terms');
    expect(await page.getByRole('button', { name: 'Accept the new terms' }).count()).toBe(0);

    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.getByRole('button', { name: 'Open ticket' }).click();
    // The browser itself refuses an empty subject (required); then the server's own message for blanks.
    await page.getByLabel('Subject').fill('   ');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await waitForText(page.locator('#ticket-subject-error'), 'Subject is required');
    await page.getByLabel('Subject').fill('Backups did not run last night');
    await page.getByLabel('Description').fill('The nightly backup report is empty since Tuesday.');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.getByRole('heading', { level: 1, name: /^Ticket PD-\d{6}$/ }).waitFor();
    await waitForText(page.getByRole('status'), 'Tickets opened in the portal are free');
    await waitForText(page.getByRole('main'), /Charge\s*No charge/);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await balanceOf(t, account.id)).toBe(4);

    const purchase = await makePurchase(t, account.id, { bundleId: await buy5get6Id(t), quantity: 3 });
    for (const path of ['/portal', '/portal/bundles', '/portal/tickets', '/portal/purchases', `/portal/purchases/${purchase.id}`]) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }
  });

  /** The manager records the payment in the console's purchase page, as staff would. */
  async function recordPayment(purchaseId: string, invoiceNumber: string, manager: { email: string; password: string }): Promise<void> {
    const staff = await watchedPage(suite.browser);
    try {
      await logIn(staff.page, base, manager);
      await staff.page.goto(`${base}/console/purchases/${purchaseId}`);
      await staff.page.getByRole('heading', { level: 1, name: `Purchase ${invoiceNumber}` }).waitFor();
      const form = staff.page.getByRole('region', { name: 'Record a payment' });
      await form.getByLabel('Amount').fill('375.00');
      await form.getByLabel('Method').selectOption('bank_transfer');
      await form.getByLabel('Reference').fill(invoiceNumber);
      await form.getByRole('button', { name: 'Record payment' }).click();
      await waitForText(staff.page.getByRole('status'), /Payment of \$375\.00 recorded/);
      expect(staff.problems).toEqual([]);
    } finally {
      await staff.context.close();
    }
  }
});
