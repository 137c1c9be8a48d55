import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, canSeeAccount } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { TransactionService } from '../common/database/transaction.service';
import { Period } from '../common/database/periods';
import { PointBankService } from '../point-bank/point-bank.service';
import { PolicyService } from '../policy/policy.service';
import { AccountEntity, AccountStatus } from './account.entity';
import { AccountError } from './accounts.errors';
import { AccountSearchService } from './account-search.service';
import { AccountsRepository, AudienceFilter } from './accounts.repository';
import { ContactEntity } from './contact.entity';
import { queryWords, searchTermsFor } from './search-terms';
import { AccountView, ContactView } from './dto/account.view';

export { AccountView, ContactView };
export type { AudienceFilter };
export type MailingList = { name: string; status: AccountStatus; contacts: ContactView[] };

export interface ContactInput { name: string; email: string; phone?: string | null }
export interface NewAccount { name: string; customerSince?: string | null; favoured?: boolean; contacts?: ContactInput[] }
export interface AccountPatch { name?: string; customerSince?: string | null; favoured?: boolean }
export interface AccountQuery { q?: string; status?: AccountStatus; favoured?: boolean; lowBalance?: boolean; limit: number; offset: number }


const contactView = (c: ContactEntity): ContactView => ({ id: String(c.id), name: c.name, email: c.email, phone: c.phone });

@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly repo: AccountsRepository,
    private readonly searchIndex: AccountSearchService,
    private readonly bank: PointBankService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
  ) {}

  async create(input: NewAccount, actor: Actor): Promise<AccountView> {
    const id = await this.tx.run(undefined, async (em) => {
      const account = await this.repo.insertAccount(em, {
        name: input.name.trim(), customerSince: input.customerSince ?? null, favoured: input.favoured ?? false,
        status: 'active', policyStatus: 'legacy', createdAt: new Date(), closedAt: null, closeReason: null, changedAt: null,
      });
      const contacts: ContactEntity[] = [];
      for (const c of input.contacts ?? []) contacts.push(await this.insertContact(em, account.id, c));
      await this.repo.insertTerms(em, account.id, searchTermsFor(account.name, contacts));
      await this.bank.openAccount(em, account.id);
      await this.audit.record(em, {
        actorId: actor.id, action: 'account.create', entityType: 'account', entityId: account.id,
        after: { name: account.name, customerSince: account.customerSince, favoured: account.favoured, contacts: contacts.map(contactView) },
      });
      await this.repo.markChanged(em, account.id);
      return account.id;
    });
    this.logger.log(`account created id=${id} by=${actor.id}`);
    return this.get(actor, id);
  }

  /** One account as its viewer may see it; another account's id is "not found" for a client. */
  async get(actor: Actor, id: number): Promise<AccountView> {
    const account = canSeeAccount(actor, id) ? await this.repo.findById(id) : null;
    if (!account) throw new AccountError('NOT_FOUND', `account ${id} not found`);
    return (await this.views([account]))[0];
  }

  async search(q: AccountQuery): Promise<{ items: AccountView[]; total: number }> {
    const words = q.q ? queryWords(q.q) : [];
    // The balance filter needs the point bank's balances: that one query goes to the database.
    if (q.lowBalance === undefined) {
      const { ids, total } = await this.searchIndex.search({ words, status: q.status, favoured: q.favoured, limit: q.limit, offset: q.offset });
      const byId = new Map((await this.repo.findByIds(ids)).map((a) => [a.id, a]));
      // An id the database no longer has (SQLite: read from a transaction that then rolled back) is left out.
      return { items: await this.views(ids.flatMap((id) => byId.get(id) ?? [])), total };
    }
    const policy = await this.policy.get();
    const [rows, total] = await this.repo.search({
      words,
      status: q.status,
      favoured: q.favoured,
      idCondition: q.lowBalance === undefined ? undefined : this.bank.balanceCondition('a.id', policy.lowBalanceThreshold, q.lowBalance),
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await this.views(rows), total };
  }

  async update(id: number, patch: AccountPatch, actor: Actor): Promise<AccountView> {
    await this.tx.run(undefined, async (em) => {
      const before = await this.mustFind(em, id);
      const changes: Partial<AccountEntity> = {};
      if (patch.name !== undefined) changes.name = patch.name.trim();
      if (patch.customerSince !== undefined) changes.customerSince = patch.customerSince;
      if (patch.favoured !== undefined) changes.favoured = patch.favoured;
      if (Object.keys(changes).length === 0) return;
      await this.repo.update(em, id, changes);
      if (changes.name !== undefined && changes.name !== before.name) await this.reindex(em, id, changes.name);
      await this.audit.record(em, {
        actorId: actor.id, action: 'account.update', entityType: 'account', entityId: id,
        before: pick(before, Object.keys(changes)), after: changes,
      });
      await this.repo.markChanged(em, id);
    });
    return this.get(actor, id);
  }

  async addContact(accountId: number, input: ContactInput, actor: Actor): Promise<ContactView> {
    return this.tx.run(undefined, async (em) => {
      await this.mustFind(em, accountId);
      // The account row's write lock first: the contact's foreign key takes a shared one, and two
      // contacts added at once would each hold that and wait for the other's (MySQL deadlock).
      await this.repo.markChanged(em, accountId);
      const contact = await this.insertContact(em, accountId, input);
      // A new contact only adds terms; INSERT IGNORE skips the ones the account already has.
      await this.repo.insertTerms(em, accountId, searchTermsFor('', [contact]));
      await this.audit.record(em, {
        actorId: actor.id, action: 'account.contact.add', entityType: 'account', entityId: accountId, after: contactView(contact),
      });
      await this.repo.markChanged(em, accountId);
      return contactView(contact);
    });
  }

  async close(id: number, reason: string, actor: Actor): Promise<AccountView> {
    await this.tx.run(undefined, async (em) => {
      const account = await this.mustFind(em, id);
      if (account.status === 'closed') throw new AccountError('ACCOUNT_CLOSED', `account ${id} is already closed`);
      const closedAt = new Date();
      await this.repo.update(em, id, { status: 'closed', closedAt, closeReason: reason });
      await this.audit.record(em, {
        actorId: actor.id, action: 'account.close', entityType: 'account', entityId: id, reason,
        before: { status: 'active' }, after: { status: 'closed', closedAt: closedAt.toISOString() },
      });
      await this.repo.markChanged(em, id);
    });
    this.logger.log(`account closed id=${id} by=${actor.id}`);
    return this.get(actor, id);
  }

  /** A client accepts the new support terms for its own account: policyStatus → enrolled. */
  async acceptTerms(id: number, actor: Actor): Promise<AccountView> {
    if (actor.role !== 'client' || actor.accountId !== id) throw new AccountError('NOT_FOUND', `account ${id} not found`);
    await this.tx.run(undefined, async (em) => {
      const account = await this.mustFind(em, id);
      if (account.status === 'closed') throw new AccountError('ACCOUNT_CLOSED', `account ${id} is closed`);
      if (account.policyStatus === 'enrolled') return;
      await this.repo.update(em, id, { policyStatus: 'enrolled' });
      await this.audit.record(em, {
        actorId: actor.id, action: 'account.terms.accept', entityType: 'account', entityId: id,
        before: { policyStatus: account.policyStatus }, after: { policyStatus: 'enrolled' },
      });
    });
    return this.get(actor, id);
  }

  /**
   * For other modules, inside their transaction: the account's policyStatus
   * becomes `enrolled` (its first paid purchase), audited with the cause.
   */
  async enrol(em: EntityManager, id: number, cause: { actorId: number | null; reason: string }): Promise<void> {
    const before = await this.repo.enrol(em, id);
    if (!before) return;
    await this.audit.record(em, {
      actorId: cause.actorId, action: 'account.enrol', entityType: 'account', entityId: id, reason: cause.reason,
      before: { policyStatus: before }, after: { policyStatus: 'enrolled' },
    });
  }

  async exists(id: number): Promise<boolean> {
    return this.repo.exists(id);
  }

  /**
   * A FROM clause yielding one row when account `id` is open and none
   * otherwise, for a statement that writes only for an open account
   * (`INSERT … SELECT … FROM`), saving the separate check's round trip.
   * When it wrote nothing, assertOpen tells why.
   */
  openAccountSource(id: number): { sql: string; params: number[] } {
    return { sql: "FROM accounts WHERE id = ? AND status <> 'closed'", params: [id] };
  }

  /**
   * For other modules acting on an account inside their transaction (logging
   * a call): the account must exist, be visible to the actor, and be open.
   */
  async assertOpen(em: EntityManager, actor: Actor, id: number): Promise<void> {
    const status = canSeeAccount(actor, id) ? await this.repo.findStatus(em, id) : null;
    if (!status) throw new AccountError('NOT_FOUND', `account ${id} not found`);
    if (status === 'closed') throw new AccountError('ACCOUNT_CLOSED', `account ${id} is closed`);
  }

  /** The account's name and its contacts, for addressing email; read with the caller's transaction. */
  async mailingList(accountId: number, em?: EntityManager): Promise<MailingList | null> {
    return (await this.mailingLists([accountId], em)).get(accountId) ?? null;
  }

  /** mailingList for many accounts at once; unknown ids are left out. */
  async mailingLists(ids: number[], em?: EntityManager): Promise<Map<number, MailingList>> {
    const [accounts, contacts] = await Promise.all([this.repo.findByIds(ids, em), this.repo.findContacts(ids, em)]);
    return new Map(accounts.map((a) => [a.id, {
      name: a.name, status: a.status, contacts: contacts.filter((c) => c.accountId === a.id).map(contactView),
    }]));
  }

  /**
   * How many accounts there are: active and closed, active ones per policy
   * status (the migration funnel), and active ones with a low balance.
   */
  async counts(): Promise<{ active: number; closed: number; lowBalance: number; legacy: number; notified: number; enrolled: number }> {
    const policy = await this.policy.get();
    const { rows, lowBalance } = await this.repo.counts(this.bank.balanceCondition('a.id', policy.lowBalanceThreshold, true));
    const out = { active: 0, closed: 0, lowBalance, legacy: 0, notified: 0, enrolled: 0 };
    for (const r of rows) {
      out[r.status] += r.n;
      if (r.status === 'active') out[r.policyStatus] += r.n;
    }
    return out;
  }

  /** Active accounts at or below the low-balance threshold with the lowest balances first: clients to call with an offer. */
  async lowestBalances(limit: number): Promise<AccountView[]> {
    const policy = await this.policy.get();
    const ids = await this.repo.audienceIds({ idCondition: this.bank.balanceCondition('a.id', policy.lowBalanceThreshold, true) });
    const balances = await this.bank.balancesOf(ids);
    const lowest = ids.sort((a, b) => (balances.get(a) ?? 0) - (balances.get(b) ?? 0) || a - b).slice(0, limit);
    const views = await this.views(await this.repo.findByIds(lowest));
    return views.sort((a, b) => a.balance - b.balance || a.name.localeCompare(b.name));
  }

  /** Accounts closed per UTC day of the period, split into closed before `pivot` (the first letter) and since. */
  closuresByDay(p: Period, pivot: Date | null): Promise<{ day: string; before: number; since: number }[]> {
    return this.repo.closuresByDay(p, pivot);
  }

  /** Closed accounts split at a moment (the first announcement letter): closed before it, and since. */
  closedAround(pivot: Date | null): Promise<{ before: number; since: number }> {
    return this.repo.closedAround(pivot);
  }

  /** Ids of the active accounts matching a segment's filter, in id order. */
  audienceIds(f: AudienceFilter, em?: EntityManager): Promise<number[]> {
    return this.repo.audienceIds(f, em);
  }

  /** A segment before anything happens to it: how many accounts and contacts, and its first accounts by name. */
  async audienceSummary(f: AudienceFilter, sample: number): Promise<{ accounts: number; contacts: number; withoutContacts: number; first: AccountView[] }> {
    const s = await this.repo.audienceSummary(f, sample);
    return { ...s, first: await this.views(s.first) };
  }

  /**
   * For other modules, inside their transaction: the accounts told of the
   * policy (an announcement letter) move legacy → notified; notified and
   * enrolled accounts stay as they are. Returns how many moved.
   */
  markNotified(em: EntityManager, ids: number[]): Promise<number> {
    return this.repo.markNotified(em, ids);
  }

  private async views(accounts: AccountEntity[]): Promise<AccountView[]> {
    const ids = accounts.map((a) => a.id);
    const [contacts, balances, policy] = await Promise.all([this.repo.findContacts(ids), this.bank.balancesOf(ids), this.policy.get()]);
    return accounts.map((a) => {
      const balance = balances.get(a.id) ?? 0;
      return {
        id: String(a.id), name: a.name, customerSince: a.customerSince, favoured: a.favoured, status: a.status,
        policyStatus: a.policyStatus, balance, lowBalance: balance <= policy.lowBalanceThreshold,
        contacts: contacts.filter((c) => c.accountId === a.id).map(contactView),
        createdAt: a.createdAt.toISOString(), closedAt: a.closedAt ? a.closedAt.toISOString() : null, closeReason: a.closeReason,
      };
    });
  }

  private async mustFind(em: EntityManager, id: number): Promise<AccountEntity> {
    const account = await this.repo.findById(id, em);
    if (!account) throw new AccountError('NOT_FOUND', `account ${id} not found`);
    return account;
  }

  private insertContact(em: EntityManager, accountId: number, c: ContactInput): Promise<ContactEntity> {
    return this.repo.insertContact(em, {
      accountId, name: c.name.trim(), email: c.email.trim().toLowerCase(), phone: c.phone?.trim() || null, createdAt: new Date(),
    });
  }

  private async reindex(em: EntityManager, accountId: number, name: string): Promise<void> {
    const contacts = await this.repo.findContacts([accountId], em);
    await this.repo.replaceTerms(em, accountId, searchTermsFor(name, contacts));
  }
}

function pick<T extends object>(obj: T, keys: string[]): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, (obj as Record<string, unknown>)[k]])) as Partial<T>;
}
