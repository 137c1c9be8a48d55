import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction, reusing the caller's manager when
 * there is one. TypeORM's SQLite driver shares a single connection, so two
 * concurrent top-level transactions would interleave on it
 * (typeorm/typeorm#8668); on SQLite top-level transactions are queued.
 */
@Injectable()
export class TransactionService {
  private queue: Promise<unknown> = Promise.resolve();
  /** The running SQLite transaction's scope (transactions there run one at a time). */
  private sqliteScope: object | null = null;
  private readonly serialise: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
  }

  get isSqlite(): boolean {
    return this.serialise;
  }

  run<T>(outer: EntityManager | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (outer?.queryRunner?.isTransactionActive) return work(outer);
    if (!this.serialise) return this.dataSource.transaction(work);
    const next = this.queue.then(() => this.dataSource.transaction(async (em) => {
      this.sqliteScope = {};
      try {
        return await work(em);
      } finally {
        this.sqliteScope = null;
      }
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * An object that is the same for everything done in one transaction and
   * different for the next, for per-transaction bookkeeping (a WeakMap key).
   * MySQL gives every transaction its own query runner; SQLite shares one
   * runner (and manager) for all of them, so each queued run gets its own scope.
   */
  scopeOf(em: EntityManager): object {
    return (this.serialise ? this.sqliteScope : em.queryRunner) ?? em;
  }

}
