import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { LoginRequiredError } from '../../common/web/login-required';
import { PORTAL_AREA } from './portal-cookies';
import { PortalRequest } from './portal-user';

/**
 * Portal pages need a signed-in client (staff never get a portal session).
 * What the client may see is decided by the services, which are always
 * called with the client's own actor.
 */
@Injectable()
export class PortalAuthGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (!ctx.switchToHttp().getRequest<PortalRequest>().portalUser) throw new LoginRequiredError(PORTAL_AREA);
    return true;
  }
}
