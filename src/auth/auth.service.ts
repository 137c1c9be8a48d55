import { Injectable, Logger } from '@nestjs/common';
import { UsersService, UserView } from '../users/users.service';
import { Actor } from './actor';
import { AuthError } from './auth.errors';
import { LoginLimiter } from './login-limiter';
import { verifyPassword } from './password-hasher';
import { TokenKind, TokenService } from './token.service';

// Compared against when the email is unknown, so both cases cost one scrypt.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: LoginLimiter,
  ) {}

  /** Checks the password (counting failures) and issues a token of the given kind. */
  async login(emailRaw: string, password: string, ip: string, kind: TokenKind = 'api'): Promise<{ accessToken: string; user: UserView }> {
    const email = emailRaw.trim().toLowerCase();
    const wait = await this.limiter.blockedFor(email, ip);
    if (wait > 0) throw new AuthError('TOO_MANY_REQUESTS', `Too many failed logins; try again in ${wait} seconds`, { retryAfter: wait });
    const user = await this.users.findForLogin(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) {
      await this.limiter.recordFailure(email, ip);
      this.logger.warn(`login failed ip=${ip}`);
      throw new AuthError('UNAUTHORIZED', 'Wrong email or password');
    }
    await this.limiter.recordSuccess(email);
    const actor: Actor = { id: user.id, role: user.role, accountId: user.accountId };
    return { accessToken: this.tokens.issue(actor, kind), user: UsersService.view(user) };
  }

  /**
   * The user behind a console session cookie, re-read from the database: a
   * removed or deactivated user, a changed role or a logout since the cookie
   * was issued ends the session (null).
   */
  async consoleSession(token: string | undefined): Promise<{ actor: Actor; user: UserView } | null> {
    const verified = this.tokens.verify(token, 'console');
    if (!verified) return null;
    const user = await this.users.findForSession(verified.actor.id);
    if (!user || !user.active || user.role !== verified.actor.role) return null;
    if (user.sessionsRevokedAt && verified.issuedAt <= user.sessionsRevokedAt.getTime()) return null;
    return { actor: verified.actor, user: UsersService.view(user) };
  }

  /** Logging out of the console ends every console session of that user. */
  async endConsoleSessions(actor: Actor): Promise<void> {
    await this.users.revokeSessions(actor.id);
    this.logger.log(`console sessions ended user=${actor.id}`);
  }

  async me(actor: Actor): Promise<UserView> {
    return this.users.get(actor.id);
  }
}
