import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor, hasStaffRole, Role } from '../auth/actor';
import { hashPassword } from '../auth/password-hasher';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { idString, parseId } from '../common/database/ids';
import { isUniqueViolation } from '../common/database/unique-violation';
import { TransactionService } from '../common/database/transaction.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationsService } from '../notifications/notifications.service';
import { UserEntity } from './user.entity';
import { UserError } from './users.errors';
import { UsersRepository } from './users.repository';
import { UserView } from './dto/user.view';

export { UserView };

/** A client user as the console lists them: whether they still have to accept their invitation. */
export type ClientUserView = UserView & {
  invitationPending: boolean;
  /** When the newest invitation's link stops working (pending only; in the past when it has expired). */
  invitationExpiresAt: string | null;
};

/** What an invitation link shows before it is accepted. */
export interface InvitationDetails {
  email: string;
  name: string;
  accountName: string;
  expiresAt: string;
}

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** "Friday, November 28, 2025 at 2:00 PM UTC" */
const emailTime = (d: Date) =>
  `${new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;

const INVALID_LINK = 'This invitation link is no longer valid (unknown, already used or expired); ask for a new invitation';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
  accountId?: string;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly repo: UsersRepository,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static view(u: UserEntity): UserView {
    return {
      id: String(u.id), email: u.email, name: u.name, role: u.role,
      accountId: idString(u.accountId), createdAt: u.createdAt.toISOString(),
    };
  }

  async create(input: NewUser, actorId: number | null): Promise<UserView> {
    let accountId: number | null = null;
    if (input.role === 'client') {
      accountId = parseId(input.accountId);
      if (accountId === null || !(await this.accounts.exists(accountId))) {
        throw new UserError('INVALID', 'accountId must name an existing account');
      }
    } else if (input.accountId !== undefined) {
      throw new UserError('INVALID', 'accountId is only allowed for role client');
    }
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await this.tx.run(undefined, async (em) => {
        const u = await this.repo.insert(em, {
          email: input.email.toLowerCase(), name: input.name, role: input.role, accountId,
          passwordHash, active: true, createdAt: new Date(), sessionsRevokedAt: null,
        });
        await this.audit.record(em, {
          actorId, action: 'user.create', entityType: 'user', entityId: u.id,
          after: { email: u.email, name: u.name, role: u.role, accountId: idString(accountId) },
        });
        return u;
      });
      this.logger.log(`user created id=${user.id} role=${user.role}`);
      return UsersService.view(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw new UserError('DUPLICATE_EMAIL', `email ${input.email} is already in use`);
      throw err;
    }
  }

  async list(limit: number, offset: number): Promise<{ items: UserView[]; total: number }> {
    const [rows, total] = await this.repo.findPage(limit, offset);
    return { items: rows.map(UsersService.view), total };
  }

  /** Every admin, manager and agent, by name (no clients): who can act in the console. */
  async listStaff(): Promise<UserView[]> {
    return (await this.repo.findStaff()).map(UsersService.view);
  }

  async get(id: number): Promise<UserView> {
    const u = await this.repo.findById(id);
    if (!u) throw new UserError('NOT_FOUND', `user ${id} not found`);
    return UsersService.view(u);
  }

  /**
   * Invites a client user of the account: creates the user (with a password
   * nobody knows, so nobody can log in until the invitation is accepted) or
   * reuses the account's own client user of that email who never accepted an
   * invitation, ends that user's earlier links, stores a new one-time token
   * (only its SHA-256) and queues the `invitation` email, all in one
   * transaction. The email of anyone else (staff, a client of another
   * account, a client who already has a password) is DUPLICATE_EMAIL.
   * Managers and admins only (FORBIDDEN otherwise): whoever holds the
   * token chooses the client's password.
   */
  async invite(accountId: number, input: { name: string; email: string }, actor: Actor): Promise<{ user: UserView; invitation: { expiresAt: string } }> {
    if (!hasStaffRole(actor, 'manager')) throw new UserError('FORBIDDEN', 'Only managers invite client users');
    const email = input.email.trim().toLowerCase();
    const name = input.name.trim();
    const token = randomBytes(32).toString('base64url');
    // A real scrypt hash of a secret thrown away: unusable, and a login attempt costs the same as for anyone else.
    const unusableHash = await hashPassword(randomBytes(32).toString('base64url'));
    try {
      const result = await this.tx.run(undefined, async (em) => {
        const account = await this.accounts.mailingList(accountId, em);
        if (!account) throw new UserError('NOT_FOUND', `account ${accountId} not found`);
        if (account.status === 'closed') throw new UserError('ACCOUNT_CLOSED', `account ${accountId} is closed`);
        const now = new Date();
        const { user, created } = await this.invitee(em, accountId, email, name, unusableHash, now);
        // A user created just now has no links to end. Skipping the UPDATE also matters on MySQL: finding no row,
        // it would lock the index gap at its end, and two first invitations at once would deadlock inserting there.
        if (!created) await this.repo.expireOpenInvitations(em, user.id, now);
        const expiresAt = new Date(now.getTime() + this.config.invitationTtlHours * 3_600_000);
        const invitation = await this.repo.insertInvitation(em, {
          userId: user.id, tokenHash: sha256(token), expiresAt, usedAt: null, createdBy: actor.id, createdAt: now,
        });
        const inviter = await this.repo.findById(actor.id, em);
        const link = `${this.config.publicUrl}/portal/invitations/${token}`;
        await this.notifications.enqueue(em, [{
          kind: 'invitation', accountId, to: user.email, template: 'invitation',
          subject: `Your invitation to the ${this.config.mail.companyName} client portal for ${account.name}`,
          data: {
            accountName: account.name, name: user.name, inviterName: inviter?.name ?? this.config.mail.companyName,
            link, expiresText: emailTime(expiresAt), ttlHours: this.config.invitationTtlHours,
          },
          dedupeKey: `invitation:${invitation.id}`,
        }]);
        await this.audit.record(em, {
          actorId: actor.id, action: 'user.invite', entityType: 'user', entityId: user.id,
          after: { email: user.email, name: user.name, role: 'client', accountId: String(accountId), expiresAt: expiresAt.toISOString() },
        });
        return { user, expiresAt };
      });
      this.logger.log(`client invited user=${result.user.id} account=${accountId} by=${actor.id}`);
      return { user: UsersService.view(result.user), invitation: { expiresAt: result.expiresAt.toISOString() } };
    } catch (err) {
      if (isUniqueViolation(err)) throw new UserError('DUPLICATE_EMAIL', `email ${email} is already in use`);
      throw err;
    }
  }

  /** The invitation behind a link, while it can be used (known, unused, unexpired); else null. */
  async invitationFor(token: string): Promise<InvitationDetails | null> {
    const invitation = await this.repo.findUsableInvitation(sha256(token), new Date());
    if (!invitation) return null;
    const user = await this.repo.findById(invitation.userId);
    if (!user || user.role !== 'client' || user.accountId === null) return null;
    const account = await this.accounts.mailingList(user.accountId);
    if (!account) return null;
    return { email: user.email, name: user.name, accountName: account.name, expiresAt: invitation.expiresAt.toISOString() };
  }

  /**
   * Sets the invited user's password and uses up the link. The link is
   * claimed by a guarded UPDATE (unused and unexpired), so of two requests
   * racing with one token exactly one succeeds; an unknown, used or expired
   * token is NOT_FOUND (404) and changes nothing.
   */
  async acceptInvitation(token: string, password: string): Promise<UserView> {
    if (password.length < 8 || password.length > 200) throw new UserError('INVALID', 'password must be 8 to 200 characters long');
    const tokenHash = sha256(token);
    // Hashed before the transaction: scrypt takes ~50 ms and the transaction should not wait for it.
    const passwordHash = await hashPassword(password);
    const user = await this.tx.run(undefined, async (em) => {
      // The user row is locked before the invitation is claimed: invite() locks the user and then that user's
      // invitations, and taking the two in the opposite order here would deadlock with a re-invitation.
      // The plain read only finds whose link it is (user_id never changes); the guarded UPDATE decides.
      const invitation = await this.repo.findInvitationByHash(em, tokenHash);
      if (!invitation) throw new UserError('NOT_FOUND', INVALID_LINK);
      const u = await this.repo.findByIdForUpdate(em, invitation.userId, !this.tx.isSqlite);
      if (!u || !u.active) throw new UserError('NOT_FOUND', INVALID_LINK);
      if (!(await this.repo.useInvitation(em, tokenHash, new Date()))) throw new UserError('NOT_FOUND', INVALID_LINK);
      await this.repo.update(em, u.id, { passwordHash });
      await this.audit.record(em, {
        actorId: u.id, action: 'user.invitation.accept', entityType: 'user', entityId: u.id,
        after: { invitationId: String(invitation.id) },
      });
      return u;
    });
    this.logger.log(`invitation accepted user=${user.id}`);
    return UsersService.view(user);
  }

  /** The account's client users, with whether each still has an invitation to accept. */
  async listClientsOf(accountId: number): Promise<ClientUserView[]> {
    const users = await this.repo.findClientsOf(accountId);
    const states = await this.repo.invitationStates(users.map((u) => u.id));
    return users.map((u) => {
      const s = states.get(u.id);
      const pending = !!s && !s.accepted;
      return { ...UsersService.view(u), invitationPending: pending, invitationExpiresAt: pending && s.latest ? s.latest.expiresAt.toISOString() : null };
    });
  }

  /** The user to invite: a new client user, or this account's client user of that email who never accepted an invitation. */
  private async invitee(
    em: EntityManager, accountId: number, email: string, name: string, unusableHash: string, now: Date,
  ): Promise<{ user: UserEntity; created: boolean }> {
    const existing = await this.repo.findByEmail(email, em);
    if (!existing) {
      const user = await this.repo.insert(em, {
        email, name, role: 'client', accountId, passwordHash: unusableHash, active: true, createdAt: now, sessionsRevokedAt: null,
      });
      return { user, created: true };
    }
    const taken = new UserError('DUPLICATE_EMAIL', `email ${email} is already in use`);
    if (existing.role !== 'client' || existing.accountId !== accountId || !existing.active) throw taken;
    // The user row first, then its invitations: the order acceptInvitation takes them in.
    const user = await this.repo.findByIdForUpdate(em, existing.id, !this.tx.isSqlite);
    if (!user || user.role !== 'client' || user.accountId !== accountId || !user.active) throw taken;
    // A locking read: under MySQL's REPEATABLE READ a plain read answers from this transaction's snapshot,
    // taken before the lock above was granted, and would miss an accept that committed meanwhile.
    const state = await this.repo.invitationStateForUpdate(em, user.id, !this.tx.isSqlite);
    // Created by an admin with a password, or already accepted an invitation: it has a password of its own.
    if (!state || state.accepted) throw taken;
    if (user.name !== name) await this.repo.update(em, user.id, { name });
    return { user: { ...user, name }, created: false };
  }

  /** Ends every console session the user has open (logging out). */
  async revokeSessions(id: number): Promise<void> {
    await this.tx.run(undefined, (em) => this.repo.update(em, id, { sessionsRevokedAt: new Date() }));
  }

  /** For login and session checks only: the stored user with its password hash and session state. */
  findForSession(id: number): Promise<UserEntity | null> {
    return this.repo.findById(id);
  }

  /** For login only: the stored user with its password hash. */
  findForLogin(email: string): Promise<UserEntity | null> {
    return this.repo.findByEmail(email);
  }

  /**
   * On a database with no users, creates the first admin from ADMIN_EMAIL /
   * ADMIN_PASSWORD, or with a generated password that is returned so the
   * caller can print it once.
   */
  async ensureFirstAdmin(email: string, password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.repo.count()) > 0) return { created: false };
    const generated = password ? undefined : randomBytes(12).toString('base64url');
    try {
      await this.create({ email, name: 'Administrator', role: 'admin', password: password ?? generated! }, null);
    } catch (err) {
      // Another instance bootstrapping the same database won the race.
      if (err instanceof UserError && err.code === 'DUPLICATE_EMAIL') return { created: false };
      throw err;
    }
    return { created: true, generatedPassword: generated };
  }
}
