import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Response } from 'express';
import { Role, StaffRole } from '../../auth/actor';
import { AuthService } from '../../auth/auth.service';
import { ConsoleCookies } from './console-cookies';
import { ConsoleCsrf } from './console-csrf';
import { ConsoleRequest, consoleUser, ConsoleUser } from './console-user';

export const isStaffRole = (role: Role): role is StaffRole => role !== 'client';
export const isHtmx = (req: ConsoleRequest): boolean => req.headers['hx-request'] === 'true';

/**
 * Runs before every console route: turns the session cookie into the
 * signed-in staff member (or nobody), and puts what every page template needs
 * into res.locals — the user for the navigation, the CSRF token for forms and
 * htmx, and a pending flash message. Guards decide what to do with nobody.
 */
@Injectable()
export class ConsoleSessionMiddleware implements NestMiddleware {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: ConsoleCookies,
    private readonly csrf: ConsoleCsrf,
  ) {}

  async use(req: ConsoleRequest, res: Response, next: NextFunction): Promise<void> {
    const user = await this.resolveUser(req, res);
    req.consoleUser = user;
    if (!user) this.cookies.ensureAnonymousId(req, res);
    res.locals.staff = user;
    res.locals.csrfToken = this.csrf.token(req, res);
    // Fragments fetched by htmx must not swallow a message meant for the next full page.
    if (req.method === 'GET' && !isHtmx(req)) res.locals.flash = this.cookies.takeFlash(req, res);
    next();
  }

  /**
   * The staff member the cookie names, re-read from the database so a removed
   * user, a changed role or a logout ends the session. A bad, expired or client token is
   * cleared, so the CSRF binding falls back to the anonymous id consistently.
   */
  private async resolveUser(req: ConsoleRequest, res: Response): Promise<ConsoleUser | null> {
    const token = this.cookies.sessionToken(req);
    if (!token) return null;
    const session = await this.auth.consoleSession(token);
    if (session && isStaffRole(session.actor.role)) {
      return consoleUser({ ...session.actor, role: session.actor.role }, session.user.name, session.user.email);
    }
    this.cookies.endSession(req, res);
    return null;
  }
}
