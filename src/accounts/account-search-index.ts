import { AccountStatus } from './account.entity';
import { fold } from './search-terms';

/** One account as the index knows it: what it is filtered, found and sorted by. */
export interface IndexedAccount {
  id: number;
  name: string;
  status: AccountStatus;
  favoured: boolean;
  /** See searchPieces(): name words, contact name words, emails, phone digits. */
  pieces: string[];
}

interface Entry {
  id: number;
  status: AccountStatus;
  favoured: boolean;
  /** The folded pieces joined by "\n": a query word (no whitespace) is part of one piece exactly when it is part of this. */
  haystack: string;
  sortKey: string;
  grams: string[];
}

export interface IndexQuery {
  /** Query words (see queryWords()); each must be part of one of the account's pieces. */
  words: string[];
  status?: AccountStatus;
  favoured?: boolean;
  limit: number;
  offset: number;
}

const GRAM = 3;

function gramsOf(pieces: string[]): string[] {
  const grams = new Set<string>();
  for (const p of pieces) for (let i = 0; i + GRAM <= p.length; i++) grams.add(p.slice(i, i + GRAM));
  return [...grams];
}

/**
 * Account search in memory: every account's searchable text, with a trigram
 * index so a word of three or more letters is checked only against the
 * accounts that have its rarest trigram. Answers the ids of one page in the
 * order of the list (name, case and accents ignored, then id) and the total.
 * It holds no balances, contacts or other columns: the page's accounts are
 * read from the database.
 */
export class AccountSearchIndex {
  private readonly entries = new Map<number, Entry>();
  private readonly postings = new Map<string, number[]>();
  /** Position of each account in list order; rebuilt on the first search after a change. */
  private rank: Map<number, number> | null = null;
  private ordered: Entry[] = [];

  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds or replaces an account. A trigram the account no longer has stays
   * in its posting list: candidates are checked against the text anyway, and
   * removing it would cost a scan of lists thousands long ("exa", "com").
   */
  put(a: IndexedAccount): void {
    const old = this.entries.get(a.id);
    const pieces = a.pieces.map(fold);
    const entry: Entry = { id: a.id, status: a.status, favoured: a.favoured, haystack: pieces.join('\n'), sortKey: fold(a.name), grams: gramsOf(pieces) };
    if (old && old.haystack === entry.haystack && old.sortKey === entry.sortKey && old.status === entry.status && old.favoured === entry.favoured) return;
    const had = new Set(old?.grams);
    for (const g of entry.grams) {
      if (had.has(g)) continue;
      const list = this.postings.get(g);
      if (list) list.push(a.id);
      else this.postings.set(g, [a.id]);
    }
    this.entries.set(a.id, entry);
    if (!old || old.sortKey !== entry.sortKey) this.rank = null;
    else if (this.rank) this.ordered[this.rank.get(a.id)!] = entry;
  }

  search(q: IndexQuery): { ids: number[]; total: number } {
    const words = q.words.map(fold);
    const rank = this.ranks();
    const rarest = this.rarestPosting(words);
    // Without a trigram to narrow by, every account is a candidate, already in list order.
    // A posting list may name an account twice (a trigram it lost, then had again).
    const candidates = rarest ? [...new Set(rarest)].map((id) => this.entries.get(id)!) : this.ordered;
    const matches: Entry[] = [];
    for (const e of candidates) {
      if (q.status !== undefined && e.status !== q.status) continue;
      if (q.favoured !== undefined && e.favoured !== q.favoured) continue;
      if (words.every((w) => e.haystack.includes(w))) matches.push(e);
    }
    if (rarest) matches.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
    return { ids: matches.slice(q.offset, q.offset + q.limit).map((e) => e.id), total: matches.length };
  }

  /** The accounts holding the query's rarest trigram (only they can match), or undefined when no word has three letters. */
  private rarestPosting(words: string[]): number[] | undefined {
    let rarest: number[] | undefined;
    for (const g of gramsOf(words)) {
      const list = this.postings.get(g) ?? [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    return rarest;
  }

  private ranks(): Map<number, number> {
    if (!this.rank) {
      this.ordered = [...this.entries.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.id - b.id));
      this.rank = new Map(this.ordered.map((e, i) => [e.id, i]));
    }
    return this.rank;
  }
}
