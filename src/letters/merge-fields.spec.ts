import { mergeFieldProblems, renderMergeFields } from './merge-fields';

const values = { accountName: 'Acme & Sons', contactName: 'Jane', balance: 3, grantPoints: 5, balanceAfterGrant: 8 };

describe('letter merge fields', () => {
  it('fills every known field, with or without spaces inside the braces', () => {
    expect(renderMergeFields('Dear {{contact.name}}, {{ account.name }} has {{balance}} + {{grantPoints}} = {{balanceAfterGrant}} points.', values))
      .toBe('Dear Jane, Acme & Sons has 3 + 5 = 8 points.');
  });

  it('does not read a value as a template: a name with braces stays as written', () => {
    expect(renderMergeFields('Hello {{account.name}}', { ...values, accountName: '{{balance}} <b>' })).toBe('Hello {{balance}} <b>');
  });

  it('names each unknown field once', () => {
    expect(mergeFieldProblems('{{contact.phone}} and {{contact.phone}} and {{ balance }}')).toEqual([
      'unknown merge field {{contact.phone}} (known: {{account.name}}, {{contact.name}}, {{balance}}, {{grantPoints}}, {{balanceAfterGrant}})',
    ]);
  });

  it('refuses braces that open or close no field', () => {
    expect(mergeFieldProblems('Dear {{contact.name}')).toEqual(['a merge field is not closed: write it as {{account.name}}']);
    expect(mergeFieldProblems('Dear contact.name}}')).toEqual(['a merge field is not closed: write it as {{account.name}}']);
  });

  it('accepts text without fields', () => {
    expect(mergeFieldProblems('Plain text, {single braces} are fine.')).toEqual([]);
  });
});
