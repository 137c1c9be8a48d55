import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Role } from '../auth/actor';
import { hashPassword } from '../auth/password-hasher';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { idString, parseId } from '../common/database/ids';
import { isUniqueViolation } from '../common/database/unique-violation';
import { TransactionService } from '../common/database/transaction.service';
import { UserEntity } from './user.entity';
import { UserError } from './users.errors';
import { UsersRepository } from './users.repository';
import { UserView } from './dto/user.view';

export { UserView };


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

  async get(id: number): Promise<UserView> {
    const u = await this.repo.findById(id);
    if (!u) throw new UserError('NOT_FOUND', `user ${id} not found`);
    return UsersService.view(u);
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
