import { NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { Actor } from '../../auth/actor';
import { AuthService } from '../../auth/auth.service';
import { UserView } from '../../users/users.service';
import { isHtmx } from './login-required';
import { SessionCookies } from './session-cookies';
import { SessionCsrf } from './session-csrf';

/** A signed-in user as AuthService re-reads it from the session cookie. */
export interface CookieSession {
  actor: Actor;
  user: UserView;
}

/**
 * Runs before every route of an area: turns the area's session cookie into
 * the signed-in user (or nobody), and puts what every page template needs
 * into res.locals — the CSRF token for forms and htmx, and a pending flash
 * message. Each area decides which users it accepts (staff, clients) and
 * where it keeps them; guards decide what to do with nobody.
 */
export abstract class SessionMiddleware<U> implements NestMiddleware {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
    private readonly csrf: SessionCsrf,
  ) {}

  /** The area's user for a valid session, or null when this kind of user gets no session here. */
  protected abstract userFor(session: CookieSession): Promise<U | null> | U | null;

  /** Puts the user (or null) where the area's guards, controllers and templates look for it. */
  protected abstract attach(req: Request, res: Response, user: U | null): void;

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const user = await this.resolveUser(req, res);
    this.attach(req, res, user);
    if (!user) this.cookies.ensureAnonymousId(req, res);
    res.locals.csrfToken = this.csrf.token(req, res);
    // Fragments fetched by htmx must not swallow a message meant for the next full page.
    if (req.method === 'GET' && !isHtmx(req)) res.locals.flash = this.cookies.takeFlash(req, res);
    next();
  }

  /**
   * The user the cookie names, re-read from the database so a removed user,
   * a changed role or a logout ends the session. A bad or expired token, or
   * one of a user this area does not accept, is cleared, so the CSRF binding
   * falls back to the anonymous id consistently.
   */
  private async resolveUser(req: Request, res: Response): Promise<U | null> {
    const token = this.cookies.sessionToken(req);
    if (!token) return null;
    const session = await this.auth.consoleSession(token);
    const user = session ? await this.userFor(session) : null;
    if (user) return user;
    this.cookies.endSession(req, res);
    return null;
  }
}
