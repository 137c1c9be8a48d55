/**
 * What an account is found by, shared by both searches. The in-memory index
 * (account-search-index.ts) matches query words against searchPieces(). The
 * SQL search, used only with the lowBalance filter, stores every piece with
 * all its suffixes (searchTermsFor); "contains q" then becomes "some suffix
 * starts with q", an index range scan.
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
  for (let i = 0; i < word.length; i++) into.add(word.slice(i, i + MAX_TERM));
}

type SearchableContact = { name: string; email: string; phone: string | null };

/**
 * What an account is found by, lower case: each word of its name and of its
 * contacts' names, each contact's email and the digits of each phone. A query
 * word matches when it is part of one of them.
 */
export function searchPieces(accountName: string, contacts: ReadonlyArray<SearchableContact>): string[] {
  const pieces = words(accountName);
  for (const c of contacts) {
    pieces.push(...words(c.name), c.email.toLowerCase());
    const digits = c.phone ? phoneDigits(c.phone) : '';
    if (digits) pieces.push(digits);
  }
  return pieces.map((p) => p.slice(0, MAX_WORD));
}

export function searchTermsFor(accountName: string, contacts: ReadonlyArray<SearchableContact>): string[] {
  const terms = new Set<string>();
  for (const piece of searchPieces(accountName, contacts)) suffixes(piece, terms);
  return [...terms];
}

/** Lower case without accents ("José" → "jose"), as MySQL's unicode_ci compares: how the in-memory index matches and sorts. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
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
