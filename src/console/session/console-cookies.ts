import { Inject, Injectable } from '@nestjs/common';
import { SessionArea, SessionCookies, sessionCookieNames } from '../../common/web/session-cookies';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

export type { Flash } from '../../common/web/session-cookies';

export const CONSOLE_PATH = '/console';

/** The staff console's cookie area: all its cookies are scoped to /console, so the API and portal never see them. */
export const CONSOLE_AREA: SessionArea = { name: 'console', path: CONSOLE_PATH, loginPath: '/console/login', label: 'this console' };

const NAMES = sessionCookieNames(CONSOLE_AREA);
export const SESSION_COOKIE = NAMES.session;
export const ANONYMOUS_COOKIE = NAMES.anonymous;
export const CSRF_COOKIE = NAMES.csrf;

/** The console's cookies (session, anonymous id, CSRF, flash): httpOnly, SameSite=Lax, path /console. */
@Injectable()
export class ConsoleCookies extends SessionCookies {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config, CONSOLE_AREA);
  }
}
