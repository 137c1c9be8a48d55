import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasStaffRole, StaffRole } from '../../auth/actor';
import { AuthError } from '../../auth/auth.errors';
import { LoginRequiredError } from '../../common/web/login-required';
import { CONSOLE_AREA } from './console-cookies';
import { ConsoleRequest } from './console-user';

const CONSOLE_ROLE_KEY = 'pointdesk:console-role';

const WHO: Record<StaffRole, string> = { agent: 'staff', manager: 'managers and admins', admin: 'admins' };

/** The lowest staff role that may open a console page or send its form (agent unless stated). */
export const ConsoleRole = (role: StaffRole) => SetMetadata(CONSOLE_ROLE_KEY, role);

export { LoginRequiredError };

/**
 * Console routes need a signed-in staff member (clients never get a console
 * session) with the role the route asks for. Enforced here, on the server,
 * whatever links a page shows.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const user = ctx.switchToHttp().getRequest<ConsoleRequest>().consoleUser;
    if (!user) throw new LoginRequiredError(CONSOLE_AREA);
    const min = this.reflector.getAllAndOverride<StaffRole | undefined>(CONSOLE_ROLE_KEY, [ctx.getHandler(), ctx.getClass()]) ?? 'agent';
    if (!hasStaffRole(user.actor, min)) {
      throw new AuthError('FORBIDDEN', `This page is for ${WHO[min]} only; you are signed in as ${user.role === 'admin' ? 'an' : 'a'} ${user.role}.`);
    }
    return true;
  }
}
