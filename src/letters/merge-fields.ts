/** The values a letter can name, for one recipient. */
export interface MergeValues {
  accountName: string;
  contactName: string;
  balance: number;
  grantPoints: number;
  balanceAfterGrant: number;
}

/** `{{account.name}}` → its value; the names API.md lists, and no others. */
const FIELDS: Record<string, (v: MergeValues) => string> = {
  'account.name': (v) => v.accountName,
  'contact.name': (v) => v.contactName,
  balance: (v) => String(v.balance),
  grantPoints: (v) => String(v.grantPoints),
  balanceAfterGrant: (v) => String(v.balanceAfterGrant),
};

export const MERGE_FIELDS = Object.keys(FIELDS);

const FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * What is wrong with a template's merge fields: unknown names, and braces
 * that open or close no field (`{{account.name}` would otherwise reach a
 * client as written). Empty when the template is fine.
 */
export function mergeFieldProblems(template: string): string[] {
  const problems: string[] = [];
  for (const [, name] of template.matchAll(FIELD)) {
    if (!(name in FIELDS)) problems.push(`unknown merge field {{${name}}} (known: ${MERGE_FIELDS.map((f) => `{{${f}}}`).join(', ')})`);
  }
  const rest = template.replace(FIELD, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('a merge field is not closed: write it as {{account.name}}');
  return [...new Set(problems)];
}

/**
 * The template with each field replaced by its value, as plain text. Values
 * are inserted once and never read again as template text, so a client named
 * "{{balance}}" stays "{{balance}}"; HTML escaping happens where the text
 * becomes HTML (the email's HTML template).
 */
export function renderMergeFields(template: string, values: MergeValues): string {
  return template.replace(FIELD, (whole, name: string) => (name in FIELDS ? FIELDS[name](values) : whole));
}
