import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { AccountError } from '../../accounts/accounts.errors';
import { AccountsService } from '../../accounts/accounts.service';
import { AuthService } from '../../auth/auth.service';
import { CookieSession, SessionMiddleware } from '../../common/web/session.middleware';
import { PortalCookies, PortalCsrf } from './portal-cookies';
import { PortalRequest, PortalUser } from './portal-user';

/** Portal pages use their own layout (header with the account name and the portal's navigation). */
export const PORTAL_LAYOUT = 'layouts/portal';

/**
 * The portal's session (see SessionMiddleware): only clients of an account
 * get one. The client is req.portalUser for guards and controllers and
 * `client` in templates.
 */
@Injectable()
export class PortalSessionMiddleware extends SessionMiddleware<PortalUser> {
  constructor(
    auth: AuthService,
    cookies: PortalCookies,
    csrf: PortalCsrf,
    private readonly accounts: AccountsService,
  ) {
    super(auth, cookies, csrf);
  }

  protected async userFor({ actor, user }: CookieSession): Promise<PortalUser | null> {
    if (actor.role !== 'client' || actor.accountId === null) return null;
    const clientActor = { ...actor, role: actor.role, accountId: actor.accountId };
    try {
      return { actor: clientActor, name: user.name, email: user.email, account: await this.accounts.get(clientActor, actor.accountId) };
    } catch (err) {
      // The account is gone: nothing left to show this client.
      if (err instanceof AccountError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  protected attach(req: PortalRequest, res: Response, user: PortalUser | null): void {
    req.portalUser = user;
    res.locals.client = user;
    res.locals.layout = PORTAL_LAYOUT;
  }
}
