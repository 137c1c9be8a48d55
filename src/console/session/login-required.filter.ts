import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { Request, Response } from 'express';
import { LoginRequiredError } from './console-auth.guard';

export const LOGIN_PATH = '/console/login';

/**
 * Sends a browser without a session to the login page, remembering the page it
 * wanted. htmx requests get an HX-Redirect header instead, so the login page
 * replaces the whole page rather than being swapped into a fragment.
 */
@Catch(LoginRequiredError)
export class LoginRequiredFilter implements ExceptionFilter {
  catch(_: LoginRequiredError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.headers['hx-request'] === 'true') {
      res.status(401).setHeader('HX-Redirect', LOGIN_PATH).end();
      return;
    }
    // A refused POST cannot be replayed after login; only a page request is worth returning to.
    const back = req.method === 'GET' ? safeReturnPath(req.originalUrl) : null;
    res.redirect(303, back && back !== '/console' ? `${LOGIN_PATH}?next=${encodeURIComponent(back)}` : LOGIN_PATH);
  }
}

/** A path inside the console to return to after login, or null; never another site (no open redirect). */
export function safeReturnPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 500) return null;
  if (!/^\/console(\/|\?|$)/.test(raw) || raw.startsWith(LOGIN_PATH) || /[\\\s]/.test(raw)) return null;
  return raw;
}
