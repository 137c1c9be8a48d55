/**
 * Type-ahead search without full table scans. Every whitespace-separated word
 * of the account name and contact names, every contact email and the digits
 * of every phone number are stored with all their suffixes; "contains q"
 * then becomes "some suffix starts with q", an index range scan.
 */
const MAX_WORD = 60;
const MAX_TERM = 100;

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function phoneDigits(phone: string): string {
  return phone.replace(/\D+/g, '');
}

function suffixes(word: string, into: Set<string>): void {
  const w = word.slice(0, MAX_WORD);
  for (let i = 0; i < w.length; i++) into.add(w.slice(i, i + MAX_TERM));
}

export function searchTermsFor(
  accountName: string,
  contacts: ReadonlyArray<{ name: string; email: string; phone: string | null }>,
): string[] {
  const terms = new Set<string>();
  for (const w of words(accountName)) suffixes(w, terms);
  for (const c of contacts) {
    for (const w of words(c.name)) suffixes(w, terms);
    suffixes(c.email.toLowerCase(), terms);
    if (c.phone) {
      const digits = phoneDigits(c.phone);
      if (digits) suffixes(digits, terms);
    }
  }
  return [...terms];
}

/**
 * The words of a query, each to be matched as a substring. A word made of
 * phone punctuation and digits is reduced to its digits ("(555) 01" → "555", "01").
 */
export function queryWords(q: string): string[] {
  return words(q)
    .map((w) => (/^[+()\-.\d]+$/.test(w) && /\d/.test(w) ? phoneDigits(w) : w).slice(0, MAX_WORD))
    .filter(Boolean)
    .slice(0, 5);
}

/** Escapes LIKE wildcards with '!', an escape character both MySQL and SQLite accept. */
export function likePrefix(word: string): string {
  return `${word.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
