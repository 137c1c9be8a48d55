/**
 * Money is stored as an integer number of the currency's minor units
 * ("cents"); Intl knows how many of them make a unit (2 for USD, 0 for JPY).
 */
export function formatMoney(cents: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(cents / 10 ** digits);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
