import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { Request, Response } from 'express';
import { SessionArea } from './session-cookies';

/** Thrown when a page of an area needs a session and the browser has none; LoginRequiredFilter answers it. */
export class LoginRequiredError extends Error {
  constructor(readonly area: SessionArea) {
    super(`Log in to use ${area.label}`);
  }
}

/**
 * Sends a browser without a session to its area's login page, remembering the
 * page it wanted. htmx requests get an HX-Redirect header instead, so the
 * login page replaces the whole page rather than being swapped into a fragment.
 */
@Catch(LoginRequiredError)
export class LoginRequiredFilter implements ExceptionFilter {
  catch(err: LoginRequiredError, host: ArgumentsHost): void {
    const { area } = err;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.headers['hx-request'] === 'true') {
      res.status(401).setHeader('HX-Redirect', area.loginPath).end();
      return;
    }
    // A refused POST cannot be replayed after login; only a page request is worth returning to.
    const back = req.method === 'GET' ? safeReturnPath(area, req.originalUrl) : null;
    res.redirect(303, back && back !== area.path ? `${area.loginPath}?next=${encodeURIComponent(back)}` : area.loginPath);
  }
}

/** A path inside the area to return to after login, or null; never another site (no open redirect). */
export function safeReturnPath(area: SessionArea, raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 500) return null;
  if (!raw.startsWith(area.path) || !/^(\/|\?|$)/.test(raw.slice(area.path.length))) return null;
  if (raw.startsWith(area.loginPath) || /[\\\s]/.test(raw)) return null;
  return raw;
}

export const isHtmx = (req: Request): boolean => req.headers['hx-request'] === 'true';
