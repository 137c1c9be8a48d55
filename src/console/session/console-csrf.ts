import { Inject, Injectable } from '@nestjs/common';
import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ConsoleCookies, CSRF_COOKIE } from './console-cookies';

/** Name of the hidden form field carrying the token; htmx sends it as the X-CSRF-Token header instead. */
export const CSRF_FIELD = '_csrf';

/**
 * Double-submit CSRF protection (csrf-csrf): the token is an HMAC, keyed by
 * SESSION_SECRET, of a random value and the browser's session (or anonymous
 * id before login), stored in an httpOnly cookie and repeated in each
 * state-changing request. A forged cross-site request cannot read the cookie,
 * and a token planted from elsewhere does not match this browser's session.
 */
@Injectable()
export class ConsoleCsrf {
  private readonly csrf: DoubleCsrfUtilities;

  constructor(@Inject(APP_CONFIG) config: AppConfig, cookies: ConsoleCookies) {
    const { httpOnly, sameSite, secure, path } = cookies.options;
    this.csrf = doubleCsrf({
      getSecret: () => config.sessionSecret,
      getSessionIdentifier: (req) => cookies.sessionToken(req) ?? cookies.anonymousId(req) ?? '',
      cookieName: CSRF_COOKIE,
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

function headerValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
