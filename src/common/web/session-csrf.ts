import { CanActivate, ExecutionContext } from '@nestjs/common';
import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import { Request, Response } from 'express';
import { AuthError } from '../../auth/auth.errors';
import { AppConfig } from '../../config/app-config';
import { SessionCookies } from './session-cookies';

/** Name of the hidden form field carrying the token; htmx sends it as the X-CSRF-Token header instead. */
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Double-submit CSRF protection (csrf-csrf) for one area: the token is an
 * HMAC, keyed by SESSION_SECRET, of a random value and the browser's session
 * (or anonymous id before login), stored in an httpOnly cookie and repeated in
 * each state-changing request. A forged cross-site request cannot read the
 * cookie, and a token planted from elsewhere does not match this browser's
 * session.
 */
export class SessionCsrf {
  private readonly csrf: DoubleCsrfUtilities;

  constructor(config: AppConfig, readonly cookies: SessionCookies) {
    const { httpOnly, sameSite, secure, path } = cookies.options;
    this.csrf = doubleCsrf({
      getSecret: () => config.sessionSecret,
      getSessionIdentifier: (req) => cookies.sessionToken(req) ?? cookies.anonymousId(req) ?? '',
      cookieName: cookies.names.csrf,
      cookieOptions: { httpOnly, sameSite, secure, path },
      // One explicit source per kind of request, as the csrf-csrf docs advise:
      // htmx requests send the header (hx-headers on <body>), plain forms the hidden field.
      getCsrfTokenFromRequest: (req) => {
        if (req.headers['hx-request'] === 'true') return headerValue(req.headers['x-csrf-token']);
        const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        return typeof field === 'string' ? field : undefined;
      },
    });
  }

  /** The token for this browser's forms; reuses the cookie's token while it is still valid for the session. */
  token(req: Request, res: Response): string {
    return this.csrf.generateCsrfToken(req, res);
  }

  isValid(req: Request): boolean {
    return this.csrf.validateRequest(req);
  }
}

/** Every state-changing request of an area must carry this browser's CSRF token for that area. */
export abstract class SessionCsrfGuard implements CanActivate {
  constructor(private readonly csrf: SessionCsrf) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || this.csrf.isValid(req)) return true;
    throw new AuthError('FORBIDDEN', `This form has expired or did not come from ${this.csrf.cookies.area.label}. Reload the page and try again.`);
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
