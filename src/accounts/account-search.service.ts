import { Injectable, Logger } from '@nestjs/common';
import { AccountSearchIndex, IndexQuery } from './account-search-index';
import { AccountsRepository, IndexContact, IndexRow } from './accounts.repository';
import { searchPieces } from './search-terms';

/**
 * How far back each catch-up reads again before the previous one started: a
 * change stamped (changed_at, the last statement of its transaction) but
 * committed after a catch-up read is still seen by the next, as long as its
 * commit took less than this and the servers' clocks agree within it.
 */
const LOOKBACK_MS = 5_000;

/**
 * This process's in-memory account search (see AccountSearchIndex), kept in
 * step with the database shared by every process: the first search loads all
 * accounts, and before each search the index reads the accounts whose
 * changed_at moved since its last catch-up, and any account newer than the
 * newest it holds. A search therefore sees every change committed before it
 * started, whichever process made it.
 */
@Injectable()
export class AccountSearchService {
  private readonly logger = new Logger(AccountSearchService.name);
  private index: AccountSearchIndex | null = null;
  /** Start of the previous catch-up (or load), this process's clock. */
  private lastReadAt = 0;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly repo: AccountsRepository) {}

  async search(q: IndexQuery): Promise<{ ids: number[]; total: number }> {
    await this.catchUp();
    return this.index!.search(q);
  }

  /**
   * Brings the index up to date. Concurrent callers share the read in flight
   * only if it started after they called; otherwise they wait for the next
   * one, which starts when the current one ends (at most one waits).
   */
  private catchUp(): Promise<void> {
    if (!this.running) {
      this.running = this.read().finally(() => { this.running = null; });
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = null;
      return this.catchUp();
    });
    return this.queued;
  }

  private async read(): Promise<void> {
    const startedAt = Date.now();
    if (!this.index) {
      const index = new AccountSearchIndex();
      this.put(index, await this.repo.indexRows(), await this.repo.indexContacts());
      this.index = index;
      this.logger.log(`account search index loaded: ${index.size} accounts in ${Date.now() - startedAt} ms`);
    } else {
      // Rows already indexed are put again too: two changes stamped in the same millisecond look alike.
      const rows = await this.repo.indexRows({ changedAfter: new Date(this.lastReadAt - LOOKBACK_MS), idAbove: this.index.maxId });
      if (rows.length > 0) this.put(this.index, rows, await this.repo.indexContacts(rows.map((r) => r.id)));
    }
    this.lastReadAt = startedAt;
  }

  private put(index: AccountSearchIndex, rows: IndexRow[], contacts: IndexContact[]): void {
    const byAccount = new Map<number, IndexContact[]>();
    for (const c of contacts) {
      const list = byAccount.get(c.accountId);
      if (list) list.push(c);
      else byAccount.set(c.accountId, [c]);
    }
    for (const r of rows) index.put({ ...r, pieces: searchPieces(r.name, byAccount.get(r.id) ?? []) });
  }
}
