import { CookieOptions, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';

/**
 * A part of the site with its own cookie session: the staff console at
 * /console, the client portal at /portal. Each area's cookies are scoped to
 * its path, so the browser never sends one area's session to the other (or
 * to the API).
 */
export interface SessionArea {
  /** Also the cookie prefix: pd_<name>_session, … */
  readonly name: 'console' | 'portal';
  readonly path: '/console' | '/portal';
  /** Where LoginRequiredFilter sends a browser without a session. */
  readonly loginPath: string;
  /** How refusals name the area: "this console", "the portal". */
  readonly label: string;
}

export interface Flash {
  kind: 'success' | 'error';
  text: string;
}

// Same lifetime as the access token inside it (AuthModule signs tokens for 12h).
const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

/** The cookie names of an area. */
export function sessionCookieNames(area: Pick<SessionArea, 'name'>) {
  return {
    session: `pd_${area.name}_session`,
    /** Random id of a browser that has no session yet; binds the login form's CSRF token to that browser. */
    anonymous: `pd_${area.name}_anon`,
    csrf: `pd_${area.name}_csrf`,
    flash: `pd_${area.name}_flash`,
  } as const;
}

/**
 * Reads and writes one area's cookies with one set of options: httpOnly (no
 * script can read them), SameSite=Lax (not sent on cross-site POSTs), Secure
 * when the app is served over HTTPS (COOKIE_SECURE), and the area's path.
 */
export class SessionCookies {
  readonly options: CookieOptions;
  readonly names: ReturnType<typeof sessionCookieNames>;

  constructor(config: AppConfig, readonly area: SessionArea) {
    this.options = { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: area.path };
    this.names = sessionCookieNames(area);
  }

  sessionToken(req: Request): string | undefined {
    return stringCookie(req, this.names.session);
  }

  startSession(res: Response, accessToken: string): void {
    res.cookie(this.names.session, accessToken, { ...this.options, maxAge: SESSION_MAX_AGE_MS });
  }

  /** Ends the session in the browser, and for the rest of this request too. */
  endSession(req: Request, res: Response): void {
    res.clearCookie(this.names.session, this.options);
    delete (req.cookies as Record<string, unknown>)[this.names.session];
  }

  /**
   * The anonymous browser id, created on first sight. It is also put into
   * req.cookies so a CSRF token generated in this same request is bound to it.
   */
  ensureAnonymousId(req: Request, res: Response): string {
    const existing = stringCookie(req, this.names.anonymous);
    if (existing) return existing;
    const id = randomBytes(18).toString('base64url');
    res.cookie(this.names.anonymous, id, this.options);
    (req.cookies as Record<string, string>)[this.names.anonymous] = id;
    return id;
  }

  anonymousId(req: Request): string | undefined {
    return stringCookie(req, this.names.anonymous);
  }

  /** A message for the next page this browser loads (post/redirect/get). */
  setFlash(res: Response, flash: Flash): void {
    res.cookie(this.names.flash, JSON.stringify(flash), { ...this.options, maxAge: 60_000 });
  }

  /** The pending flash message, removed so it shows once. Rendered escaped, like any other text. */
  takeFlash(req: Request, res: Response): Flash | null {
    const raw = stringCookie(req, this.names.flash);
    if (!raw) return null;
    res.clearCookie(this.names.flash, this.options);
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
