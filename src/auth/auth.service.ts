import { Injectable, Logger } from '@nestjs/common';
import { UsersService, UserView } from '../users/users.service';
import { Actor } from './actor';
import { AuthError } from './auth.errors';
import { LoginLimiter } from './login-limiter';
import { verifyPassword } from './password-hasher';
import { TokenService } from './token.service';

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

  async login(emailRaw: string, password: string, ip: string): Promise<{ accessToken: string; user: UserView }> {
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
    return { accessToken: this.tokens.issue(actor), user: UsersService.view(user) };
  }

  async me(actor: Actor): Promise<UserView> {
    return this.users.get(actor.id);
  }
}
