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
  /** Position in list order, set when the order is built. */
  rank: number;
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
  private highestId = 0;
  /** Every account in list order; null after a change that moves one, until the next search. */
  private ordered: Entry[] | null = null;

  get size(): number {
    return this.entries.size;
  }

  /** The highest account id held (0 when empty). */
  get maxId(): number {
    return this.highestId;
  }

  /**
   * Adds or replaces an account. A trigram the account no longer has stays
   * in its posting list: candidates are checked against the text anyway, and
   * removing it would cost a scan of lists thousands long ("exa", "com").
   */
  put(a: IndexedAccount): void {
    const old = this.entries.get(a.id);
    const pieces = a.pieces.map(fold);
    const entry: Entry = {
      id: a.id, status: a.status, favoured: a.favoured, haystack: pieces.join('\n'), sortKey: fold(a.name), rank: old?.rank ?? -1,
    };
    if (old && old.haystack === entry.haystack && old.sortKey === entry.sortKey && old.status === entry.status && old.favoured === entry.favoured) return;
    // Not kept per account (a hundred strings each): a change is rare, the old text says which it had.
    const had = new Set(old ? gramsOf(old.haystack.split('\n')) : []);
    for (const g of gramsOf(pieces)) {
      if (had.has(g)) continue;
      const list = this.postings.get(g);
      if (list) list.push(a.id);
      else this.postings.set(g, [a.id]);
    }
    this.entries.set(a.id, entry);
    if (a.id > this.highestId) this.highestId = a.id;
    if (!old || old.sortKey !== entry.sortKey) this.ordered = null;
    else if (this.ordered) this.ordered[entry.rank] = entry;
  }

  search(q: IndexQuery): { ids: number[]; total: number } {
    const words = q.words.map(fold);
    const ordered = this.order();
    const matches = (e: Entry) => (q.status === undefined || e.status === q.status) && (q.favoured === undefined || e.favoured === q.favoured) &&
      words.every((w) => e.haystack.includes(w));
    // Matches are marked by rank, then read in rank order: list order without a sort, and an account
    // a posting list names twice (a trigram it lost, then had again) counted once.
    const marked = new Uint8Array(ordered.length);
    const rarest = this.rarestPosting(words);
    if (rarest) {
      for (const id of rarest) {
        const e = this.entries.get(id)!;
        if (matches(e)) marked[e.rank] = 1;
      }
    } else {
      // Without a trigram to narrow by, every account is a candidate.
      for (const e of ordered) if (matches(e)) marked[e.rank] = 1;
    }
    const ids: number[] = [];
    let total = 0;
    for (let r = 0; r < marked.length; r++) {
      if (!marked[r]) continue;
      if (total >= q.offset && ids.length < q.limit) ids.push(ordered[r].id);
      total++;
    }
    return { ids, total };
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

  /** Every account in list order, each knowing its rank; rebuilt on the first search after a change of name or membership. */
  private order(): Entry[] {
    if (!this.ordered) {
      this.ordered = [...this.entries.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.id - b.id));
      this.ordered.forEach((e, i) => { e.rank = i; });
    }
    return this.ordered;
  }
}
