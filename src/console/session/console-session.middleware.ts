import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { Role, StaffRole } from '../../auth/actor';
import { AuthService } from '../../auth/auth.service';
import { CookieSession, SessionMiddleware } from '../../common/web/session.middleware';
import { ConsoleCookies } from './console-cookies';
import { ConsoleCsrf } from './console-csrf';
import { ConsoleRequest, consoleUser, ConsoleUser } from './console-user';

export { isHtmx } from '../../common/web/login-required';

export const isStaffRole = (role: Role): role is StaffRole => role !== 'client';

/**
 * The console's session (see SessionMiddleware): only staff get one. The
 * signed-in staff member is req.consoleUser for guards and controllers and
 * `staff` for the navigation in templates.
 */
@Injectable()
export class ConsoleSessionMiddleware extends SessionMiddleware<ConsoleUser> {
  constructor(auth: AuthService, cookies: ConsoleCookies, csrf: ConsoleCsrf) {
    super(auth, cookies, csrf);
  }

  protected userFor({ actor, user }: CookieSession): ConsoleUser | null {
    return isStaffRole(actor.role) ? consoleUser({ ...actor, role: actor.role }, user.name, user.email) : null;
  }

  protected attach(req: ConsoleRequest, res: Response, user: ConsoleUser | null): void {
    req.consoleUser = user;
    res.locals.staff = user;
  }
}
