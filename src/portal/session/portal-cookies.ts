import { Inject, Injectable } from '@nestjs/common';
import { SessionArea, SessionCookies } from '../../common/web/session-cookies';
import { SessionCsrf, SessionCsrfGuard } from '../../common/web/session-csrf';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/**
 * The client portal's cookie area: pd_portal_* cookies scoped to /portal, so
 * a browser never sends a portal session to the console (nor a console
 * session here).
 */
export const PORTAL_AREA: SessionArea = { name: 'portal', path: '/portal', loginPath: '/portal/login', label: 'the client portal' };

@Injectable()
export class PortalCookies extends SessionCookies {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config, PORTAL_AREA);
  }
}

/** Double-submit CSRF tokens bound to the portal session (see SessionCsrf). */
@Injectable()
export class PortalCsrf extends SessionCsrf {
  constructor(@Inject(APP_CONFIG) config: AppConfig, cookies: PortalCookies) {
    super(config, cookies);
  }
}

/** Every state-changing portal request must carry this browser's portal CSRF token. */
@Injectable()
export class PortalCsrfGuard extends SessionCsrfGuard {
  constructor(csrf: PortalCsrf) {
    super(csrf);
  }
}
