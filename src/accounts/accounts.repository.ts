import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AccountSearchTermEntity } from './account-search-term.entity';
import { AccountEntity, AccountStatus, PolicyStatus } from './account.entity';
import { ContactEntity } from './contact.entity';
import { dayOf, inPeriod, Period } from '../common/database/periods';
import { dbTime, select } from '../common/database/sql';
import { likePrefix } from './search-terms';

export interface AccountSearch {
  words: string[];
  status?: AccountStatus;
  favoured?: boolean;
  /** Extra SQL condition on the alias `a`, e.g. the point bank's balance filter. */
  idCondition?: { sql: string; params: Record<string, unknown> };
  limit: number;
  offset: number;
}

/** Active accounts matching a segment's filter (see segments/). */
export interface AudienceFilter {
  favoured?: boolean;
  /** customer_since strictly before this date (YYYY-MM-DD); accounts without one are not included. */
  customerSinceBefore?: string;
  /** Extra SQL condition on the alias `a`, e.g. the tickets module's heavy-callers filter. */
  idCondition?: { sql: string; params: Record<string, unknown> };
}

const TERM_CHUNK = 400;
/** Ids per `IN (…)` list, well under SQLite's limit on bound parameters. */
const ID_CHUNK = 1000;

export interface IndexRow { id: number; name: string; status: AccountStatus; favoured: boolean }
export interface IndexContact { accountId: number; name: string; email: string; phone: string | null }

@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    @InjectRepository(ContactEntity) private readonly contacts: Repository<ContactEntity>,
  ) {}

  async insertAccount(em: EntityManager, a: Omit<AccountEntity, 'id'>): Promise<AccountEntity> {
    const r = await em.insert(AccountEntity, a);
    return { ...a, id: Number(r.identifiers[0].id) };
  }

  async insertContact(em: EntityManager, c: Omit<ContactEntity, 'id'>): Promise<ContactEntity> {
    const r = await em.insert(ContactEntity, c);
    return { ...c, id: Number(r.identifiers[0].id) };
  }

  async update(em: EntityManager, id: number, patch: Partial<AccountEntity>): Promise<void> {
    await em.update(AccountEntity, { id }, patch);
  }

  /**
   * Stamps changed_at, which every process's search index follows (see
   * AccountSearchService). Called as the last statement of a transaction that
   * changed what search sees, when the row's lock is already held: the stamp
   * is then only the commit's duration older than the change it announces.
   */
  async markChanged(em: EntityManager, id: number): Promise<void> {
    await em.update(AccountEntity, { id }, { changedAt: new Date() });
  }

  /**
   * What the search index holds of each account: all accounts, or those
   * stamped after `changedAfter` and those above `idAbove` (new ones, even
   * unstamped). Hand-written: the first read takes every row.
   */
  async indexRows(since?: { changedAfter: Date; idAbove: number }): Promise<IndexRow[]> {
    const em = this.accounts.manager;
    const rows = await select<{ id: number | string; name: string; status: AccountStatus; favoured: number | boolean }>(em,
      `SELECT id, name, status, favoured FROM accounts${since ? ' WHERE changed_at > ? OR id > ?' : ''}`,
      since ? [dbTime(em, since.changedAfter), since.idAbove] : []);
    return rows.map((r) => ({ id: Number(r.id), name: r.name, status: r.status, favoured: Boolean(Number(r.favoured)) }));
  }

  /** The searchable columns of the contacts of these accounts (all accounts' when `ids` is omitted). */
  async indexContacts(ids?: number[]): Promise<IndexContact[]> {
    const em = this.contacts.manager;
    const read = (where: string, params: unknown[]) => select<{ account_id: number | string; name: string; email: string; phone: string | null }>(em,
      `SELECT account_id, name, email, phone FROM contacts${where} ORDER BY id`, params);
    const rows = [];
    if (!ids) rows.push(...await read('', []));
    else for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHUNK);
      rows.push(...await read(` WHERE account_id IN (${chunk.map(() => '?').join(', ')})`, chunk));
    }
    return rows.map((r) => ({ accountId: Number(r.account_id), name: r.name, email: r.email, phone: r.phone }));
  }

  /**
   * Adds search terms. INSERT IGNORE: terms equal under the column's
   * collation are one row.
   */
  async insertTerms(em: EntityManager, accountId: number, terms: string[]): Promise<void> {
    for (let i = 0; i < terms.length; i += TERM_CHUNK) {
      await em.createQueryBuilder().insert().into(AccountSearchTermEntity)
        .values(terms.slice(i, i + TERM_CHUNK).map((term) => ({ accountId, term })))
        .orIgnore()
        .execute();
    }
  }

  /**
   * Replaces an existing account's search terms. Only for accounts that have
   * some: on InnoDB the range delete takes gap locks, which would make
   * concurrent account creation deadlock.
   */
  async replaceTerms(em: EntityManager, accountId: number, terms: string[]): Promise<void> {
    await em.delete(AccountSearchTermEntity, { accountId });
    await this.insertTerms(em, accountId, terms);
  }

  findById(id: number, em?: EntityManager): Promise<AccountEntity | null> {
    return (em ?? this.accounts.manager).findOne(AccountEntity, { where: { id } });
  }

  /** The account's status, read on every logged call: hand-written (see common/database/sql.ts). */
  /** policyStatus → enrolled unless it already is; returns the status it had, or null when nothing changed. */
  async enrol(em: EntityManager, id: number): Promise<PolicyStatus | null> {
    const [row] = await select<{ policy_status: PolicyStatus }>(em, 'SELECT policy_status FROM accounts WHERE id = ?', [id]);
    if (!row || row.policy_status === 'enrolled') return null;
    const r = await em.createQueryBuilder().update(AccountEntity).set({ policyStatus: 'enrolled' })
      .where('id = :id AND policy_status <> :enrolled', { id, enrolled: 'enrolled' }).execute();
    return r.affected ? row.policy_status : null;
  }

  async findStatus(em: EntityManager, id: number): Promise<AccountStatus | null> {
    const [row] = await select<{ status: AccountStatus }>(em, 'SELECT status FROM accounts WHERE id = ?', [id]);
    return row ? row.status : null;
  }

  async exists(id: number): Promise<boolean> {
    return (await this.accounts.count({ where: { id } })) > 0;
  }

  findContacts(accountIds: number[], em?: EntityManager): Promise<ContactEntity[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return (em ?? this.contacts.manager).find(ContactEntity, { where: { accountId: In(accountIds) }, order: { id: 'ASC' } });
  }

  // Reports.

  /** Accounts per status and policy status; `lowBalance` adds the count matching that condition among active ones. */
  async counts(lowBalance: { sql: string; params: Record<string, unknown> }) {
    const rows = await this.accounts.createQueryBuilder('a').select('a.status', 'status').addSelect('a.policy_status', 'policy')
      .addSelect('COUNT(*)', 'n').groupBy('a.status').addGroupBy('a.policy_status').getRawMany<{ status: AccountStatus; policy: PolicyStatus; n: string | number }>();
    const low = await this.accounts.createQueryBuilder('a').where('a.status = :active', { active: 'active' }).andWhere(lowBalance.sql, lowBalance.params).getCount();
    return { rows: rows.map((r) => ({ status: r.status, policyStatus: r.policy, n: Number(r.n) })), lowBalance: low };
  }

  /** Closures per UTC day, split at `pivot` (all `before` without one). */
  async closuresByDay(p: Period, pivot: Date | null): Promise<{ day: string; before: number; since: number }[]> {
    const em = this.accounts.manager;
    const w = inPeriod(em, 'closed_at', p);
    const since = pivot ? 'SUM(CASE WHEN closed_at >= ? THEN 1 ELSE 0 END)' : '0';
    const rows = await select<{ day: string; n: string | number; since: string | number | null }>(em,
      `SELECT ${dayOf('closed_at')} AS day, COUNT(*) AS n, ${since} AS since FROM accounts
       WHERE status = 'closed' AND closed_at IS NOT NULL${w.sql} GROUP BY 1`, [...(pivot ? [dbTime(em, pivot)] : []), ...w.params]);
    return rows.map((r) => ({ day: String(r.day), before: Number(r.n) - Number(r.since ?? 0), since: Number(r.since ?? 0) }));
  }

  /** Closed accounts closed before `pivot`, and at or after it (all before when there is no pivot). */
  async closedAround(pivot: Date | null): Promise<{ before: number; since: number }> {
    const em = this.accounts.manager;
    if (!pivot) {
      const [row] = await select<{ n: string | number }>(em, "SELECT COUNT(*) AS n FROM accounts WHERE status = 'closed'", []);
      return { before: Number(row.n), since: 0 };
    }
    const [row] = await select<{ since: string | number | null; total: string | number }>(em,
      "SELECT SUM(CASE WHEN closed_at >= ? THEN 1 ELSE 0 END) AS since, COUNT(*) AS total FROM accounts WHERE status = 'closed'", [dbTime(em, pivot)]);
    const since = Number(row.since ?? 0);
    return { before: Number(row.total) - since, since };
  }

  /** Ids of the audience's accounts, in id order. */
  async audienceIds(f: AudienceFilter, em?: EntityManager): Promise<number[]> {
    const rows = await this.audience(f, em).select('a.id', 'id').orderBy('a.id', 'ASC').getRawMany<{ id: number | string }>();
    return rows.map((r) => Number(r.id));
  }

  /** How many accounts and contacts the audience has, how many of its accounts have no contact, and its first accounts by name. */
  async audienceSummary(f: AudienceFilter, sample: number): Promise<{ accounts: number; contacts: number; withoutContacts: number; first: AccountEntity[] }> {
    const members = this.audience(f).select('a.id');
    const countContacts = this.accounts.manager.createQueryBuilder().select('COUNT(*)', 'n').from(ContactEntity, 'c')
      .where(`c.account_id IN (${members.getQuery()})`).setParameters(members.getParameters());
    const [accounts, contacts, withoutContacts, first] = await Promise.all([
      this.audience(f).getCount(),
      countContacts.getRawOne<{ n: number | string }>(),
      this.audience(f).andWhere('NOT EXISTS (SELECT 1 FROM contacts c0 WHERE c0.account_id = a.id)').getCount(),
      this.audience(f).orderBy('a.name', 'ASC').addOrderBy('a.id', 'ASC').take(sample).getMany(),
    ]);
    return { accounts, contacts: Number(contacts?.n ?? 0), withoutContacts, first };
  }

  /** policy_status legacy → notified for those of the accounts still legacy; returns how many changed. */
  async markNotified(em: EntityManager, ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await em.createQueryBuilder().update(AccountEntity).set({ policyStatus: 'notified' })
      .where('id IN (:...ids) AND policy_status = :legacy', { ids, legacy: 'legacy' }).execute();
    return r.affected ?? 0;
  }

  findByIds(ids: number[], em?: EntityManager): Promise<AccountEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return (em ?? this.accounts.manager).find(AccountEntity, { where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  private audience(f: AudienceFilter, em?: EntityManager) {
    const qb = (em ?? this.accounts.manager).createQueryBuilder(AccountEntity, 'a').where('a.status = :active', { active: 'active' });
    if (f.favoured !== undefined) qb.andWhere('a.favoured = :favoured', { favoured: f.favoured });
    if (f.customerSinceBefore) qb.andWhere('a.customer_since < :customerSinceBefore', { customerSinceBefore: f.customerSinceBefore });
    if (f.idCondition) qb.andWhere(f.idCondition.sql, f.idCondition.params);
    return qb;
  }

  /** Search in SQL, for a filter the in-memory index cannot answer (the balance); see AccountSearchService for the rest. */
  async search(s: AccountSearch): Promise<[AccountEntity[], number]> {
    const qb = this.accounts.createQueryBuilder('a');
    s.words.forEach((w, i) => {
      qb.andWhere(
        `a.id IN (SELECT t${i}.account_id FROM account_search_terms t${i} WHERE t${i}.term LIKE :w${i} ESCAPE '!')`,
        { [`w${i}`]: likePrefix(w) },
      );
    });
    if (s.status) qb.andWhere('a.status = :status', { status: s.status });
    if (s.favoured !== undefined) qb.andWhere('a.favoured = :favoured', { favoured: s.favoured });
    if (s.idCondition) qb.andWhere(s.idCondition.sql, s.idCondition.params);
    return qb.orderBy('a.name', 'ASC').addOrderBy('a.id', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }
}
