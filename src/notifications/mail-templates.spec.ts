import { buildConfig } from '../config/app-config';
import { MailTemplates } from './mail-templates';

const templates = new MailTemplates(buildConfig({ COMPANY_NAME: 'Acme <Support>', PUBLIC_URL: 'https://help.acme.example' }));
const offer = (bundles: unknown[]) => templates.render('low-balance-offer', 'Widgets & Co: 1 point of support left\r\nBcc: x@y', {
  accountName: 'Widgets & Co', contactName: '<script>alert(1)</script>', balance: 1, balanceText: '1 point',
  feeText: '$75.00', bundles, portalUrl: 'https://help.acme.example/portal',
});
const buy5get6 = { name: 'Buy 5 get 6', points: 6, paidIncidents: 5, bonusIncidents: 1, priceText: '$375.00' };

describe('MailTemplates: low_balance_offer', () => {
  it('names each bundle on sale with its points and price, and how to buy, in text and HTML', () => {
    const mail = offer([buy5get6]);
    expect(mail.text).toContain('Buy 5 get 6: 6 points (5 paid + 1 free) for $375.00');
    expect(mail.text).toContain('https://help.acme.example/portal');
    expect(mail.html).toContain('<td>Buy 5 get 6</td>');
    expect(mail.html).toContain('<td>$375.00</td>');
    expect(mail.html).toContain('href="https://help.acme.example/portal"');
  });

  it('escapes data in HTML, keeps it readable in text, and wraps both in the layout with the company name', () => {
    const mail = offer([buy5get6]);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Widgets &amp; Co');
    expect(mail.html).toContain('Acme &lt;Support&gt;');
    expect(mail.text).toContain('Dear <script>alert(1)</script>,');
    expect(mail.text).toMatch(/--\nAcme <Support>\nYou receive this email as a contact of Widgets & Co at Acme <Support>\.\n$/);
  });

  it('keeps the subject on one line', () => {
    expect(offer([buy5get6]).subject).toBe('Widgets & Co: 1 point of support left Bcc: x@y');
  });

  it('still reads well when no bundle is on sale', () => {
    const mail = offer([]);
    expect(mail.text).toContain('To top up your points, reply to this email');
    expect(mail.text).not.toContain('Top up now and save');
    expect(mail.html).not.toContain('<table role="presentation" cellpadding="8"');
  });
});
