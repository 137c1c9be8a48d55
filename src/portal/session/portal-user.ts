import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { AccountView } from '../../accounts/accounts.service';
import { Actor } from '../../auth/actor';

/** The signed-in client contact of a portal request: a user of one account. */
export interface PortalUser {
  actor: Actor & { role: 'client'; accountId: number };
  name: string;
  email: string;
  /** The client's own account as the services show it to the client, read once per request. */
  account: AccountView;
}

/** Express request after PortalSessionMiddleware has looked at the session cookie. */
export type PortalRequest = Request & { portalUser?: PortalUser | null };

/** The client a guarded portal route acts for (PortalAuthGuard guarantees one). */
export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): PortalUser => {
  const user = ctx.switchToHttp().getRequest<PortalRequest>().portalUser;
  if (!user) throw new Error('@Client() used on a route without PortalAuthGuard');
  return user;
});
