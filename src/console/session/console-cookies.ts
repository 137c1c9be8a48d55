import { Inject, Injectable } from '@nestjs/common';
import { CookieOptions, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** Cookie names used by the console. All are scoped to /console so the API and portal never see them. */
export const SESSION_COOKIE = 'pd_console_session';
/** Random id of a browser that has no session yet; binds the login form's CSRF token to that browser. */
export const ANONYMOUS_COOKIE = 'pd_console_anon';
export const CSRF_COOKIE = 'pd_console_csrf';
const FLASH_COOKIE = 'pd_console_flash';

export const CONSOLE_PATH = '/console';

// Same lifetime as the access token inside it (AuthModule signs tokens for 12h).
const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export interface Flash {
  kind: 'success' | 'error';
  text: string;
}

/**
 * Reads and writes the console's cookies with one set of options:
 * httpOnly (no script can read them), SameSite=Lax (not sent on cross-site
 * POSTs), Secure when the app is served over HTTPS (COOKIE_SECURE).
 */
@Injectable()
export class ConsoleCookies {
  readonly options: CookieOptions;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: CONSOLE_PATH };
  }

  sessionToken(req: Request): string | undefined {
    return stringCookie(req, SESSION_COOKIE);
  }

  startSession(res: Response, accessToken: string): void {
    res.cookie(SESSION_COOKIE, accessToken, { ...this.options, maxAge: SESSION_MAX_AGE_MS });
  }

  /** Ends the session in the browser, and for the rest of this request too. */
  endSession(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.options);
    delete (req.cookies as Record<string, unknown>)[SESSION_COOKIE];
  }

  /**
   * The anonymous browser id, created on first sight. It is also put into
   * req.cookies so a CSRF token generated in this same request is bound to it.
   */
  ensureAnonymousId(req: Request, res: Response): string {
    const existing = stringCookie(req, ANONYMOUS_COOKIE);
    if (existing) return existing;
    const id = randomBytes(18).toString('base64url');
    res.cookie(ANONYMOUS_COOKIE, id, this.options);
    (req.cookies as Record<string, string>)[ANONYMOUS_COOKIE] = id;
    return id;
  }

  anonymousId(req: Request): string | undefined {
    return stringCookie(req, ANONYMOUS_COOKIE);
  }

  /** A message for the next page this browser loads (post/redirect/get). */
  setFlash(res: Response, flash: Flash): void {
    res.cookie(FLASH_COOKIE, JSON.stringify(flash), { ...this.options, maxAge: 60_000 });
  }

  /** The pending flash message, removed so it shows once. Rendered escaped, like any other text. */
  takeFlash(req: Request, res: Response): Flash | null {
    const raw = stringCookie(req, FLASH_COOKIE);
    if (!raw) return null;
    res.clearCookie(FLASH_COOKIE, this.options);
    try {
      const f = JSON.parse(raw) as Partial<Flash>;
      if ((f.kind === 'success' || f.kind === 'error') && typeof f.text === 'string') return { kind: f.kind, text: f.text.slice(0, 500) };
    } catch {
      // A mangled cookie is simply dropped.
    }
    return null;
  }
}

function stringCookie(req: Request, name: string): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
