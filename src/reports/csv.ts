import { stringify } from 'csv-stringify/sync';

/**
 * CSV a spreadsheet opens as meant: RFC 4180 quoting (csv-stringify), CRLF
 * line ends, a UTF-8 byte-order mark so Excel reads names with accents right,
 * and text that a spreadsheet would run as a formula (=, +, -, @ first: a
 * client could name an account "=HYPERLINK(…)") prefixed with an apostrophe.
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  const safe = rows.map((row) => row.map((v) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v ?? '')));
  return `\uFEFF${stringify([header, ...safe], { record_delimiter: 'windows', quoted_match: /[\r\n]/ })}`;
}
