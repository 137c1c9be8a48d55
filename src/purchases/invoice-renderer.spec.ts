import { InvoiceData, InvoiceRenderer } from './invoice-renderer';

const purchase = (over: Partial<InvoiceData['purchase']> = {}): InvoiceData['purchase'] => ({
  id: '7', invoiceNumber: 'INV-000007', accountId: '3', bundleId: '1', description: 'Buy 5 get 6', quantity: 2, points: 12,
  amountCents: 75000, paidCents: 25000, balanceDueCents: 50000, currency: 'USD', status: 'pending',
  createdAt: '2026-11-20T10:00:00.000Z', paidAt: null, cancelledAt: null, ...over,
});

const data = (over: Partial<InvoiceData> = {}): InvoiceData => ({
  purchase: purchase(),
  payments: [{ id: '1', amountCents: 25000, method: 'bank_transfer', reference: 'wire <42>', actorId: '2', applied: true, createdAt: '2026-11-21T09:00:00.000Z' }],
  seller: { name: 'Acme Support Co', address: ['1 Main St', 'Springfield'], bankDetails: ['IBAN DE00 1234 5678'] },
  buyer: { name: 'Globex & "Sons"', contacts: [{ name: 'Hank <Scorpio>', email: 'hank@globex.example' }] },
  ...over,
});

describe('InvoiceRenderer', () => {
  const renderer = new InvoiceRenderer();

  it('shows seller, buyer, number, the line, totals, payments and the balance due', () => {
    const html = renderer.render(data());
    for (const text of ['Invoice INV-000007', 'Acme Support Co', '1 Main St', 'Springfield', 'Buy 5 get 6', '2026-11-20',
      '$375.00', '$750.00', '$250.00', '$500.00', 'Bank transfer', 'Awaiting payment', 'IBAN DE00 1234 5678']) {
      expect(html).toContain(text);
    }
  });

  it('escapes everything that comes from data', () => {
    const html = renderer.render(data());
    expect(html).toContain('Globex &amp; &quot;Sons&quot;');
    expect(html).toContain('Hank &lt;Scorpio&gt;');
    expect(html).toContain('wire &lt;42&gt;');
    expect(html).not.toContain('<Scorpio>');
  });

  it('formats money per currency: no minor unit for JPY, euro sign for EUR', () => {
    const yen = renderer.render(data({ purchase: purchase({ currency: 'JPY', amountCents: 60000, paidCents: 0, balanceDueCents: 60000 }), payments: [] }));
    expect(yen).toContain('¥30,000');
    expect(yen).toContain('¥60,000');
    const eur = renderer.render(data({ purchase: purchase({ currency: 'EUR' }) }));
    expect(eur).toContain('€750.00');
  });

  it('leaves out bank details once nothing is due', () => {
    const paid = renderer.render(data({ purchase: purchase({ status: 'paid', paidCents: 75000, balanceDueCents: 0 }) }));
    expect(paid).toContain('Paid');
    expect(paid).not.toContain('IBAN');
  });
});
