import { paymentOutcomeText } from './format';

describe('paymentOutcomeText', () => {
  it('says the purchase is paid and how many points it added', () => {
    expect(paymentOutcomeText(37500, { status: 'paid', points: 6, balanceDueCents: 0, currency: 'USD' }))
      .toBe('Payment of $375.00 recorded. Purchase paid: 6 points added.');
    expect(paymentOutcomeText(100, { status: 'paid', points: 1, balanceDueCents: 0, currency: 'USD' }))
      .toBe('Payment of $1.00 recorded. Purchase paid: 1 point added.');
  });

  it('says what is still due on a partly paid purchase, in its currency', () => {
    expect(paymentOutcomeText(25000, { status: 'pending', points: 6, balanceDueCents: 12500, currency: 'USD' }))
      .toBe('Payment of $250.00 recorded. $125.00 still due.');
    expect(paymentOutcomeText(1000, { status: 'pending', points: 6, balanceDueCents: 500, currency: 'JPY' }))
      .toBe('Payment of ¥1,000 recorded. ¥500 still due.');
  });
});
