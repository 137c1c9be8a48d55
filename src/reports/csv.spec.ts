import { toCsv } from './csv';

describe('report CSV', () => {
  it('quotes commas, quotes and line breaks, ends lines with CRLF and starts with a BOM', () => {
    expect(toCsv(['name', 'n'], [['Smith, "Jo" & Co', 3], ['two\nlines', 0], [null, -2]]))
      .toBe('\uFEFFname,n\r\n"Smith, ""Jo"" & Co",3\r\n"two\nlines",0\r\n,-2\r\n');
  });

  it('keeps a spreadsheet from running text as a formula, but leaves numbers alone', () => {
    expect(toCsv(['name', 'delta'], [['=HYPERLINK("x")', -5], ['@SUM(A1)', 1], ['+1 555', 2]]))
      .toBe('\uFEFFname,delta\r\n"\'=HYPERLINK(""x"")",-5\r\n\'@SUM(A1),1\r\n\'+1 555,2\r\n');
  });
});
