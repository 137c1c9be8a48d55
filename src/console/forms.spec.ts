import { amount, amountInput } from './forms';

describe('amount', () => {
  const read = (price: string, currency = 'USD') => amount({ price }, 'price', currency);

  it('reads a price typed in currency units as minor units', () => {
    expect(read('375')).toBe(37500);
    expect(read('375.5')).toBe(37550);
    expect(read(' 1,200.05 ')).toBe(120005);
    expect(read('0')).toBe(0);
    expect(read('1200', 'JPY')).toBe(1200);
  });

  it('gives undefined for an empty field and NaN for anything that is not an amount', () => {
    expect(read('')).toBeUndefined();
    for (const bad of ['12.345', '-5', '1e3', '$5', 'ten', '1.5.0']) expect(read(bad)).toBeNaN();
    expect(read('12.5', 'JPY')).toBeNaN();
  });

  it('reads a payment typed as decimal money in the purchase\'s currency', () => {
    expect(read('375.00')).toBe(37500);
    expect(read('125.5')).toBe(12550);
    expect(read('0.01')).toBe(1);
    expect(read('375.00', 'JPY')).toBeNaN();
    expect(read('1.234', 'KWD')).toBe(1234);
  });

  it('writes minor units back as the field shows them', () => {
    expect(amountInput(37500, 'USD')).toBe('375.00');
    expect(amountInput(1200, 'JPY')).toBe('1200');
  });
});
