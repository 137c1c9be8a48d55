import { PageController } from '../../common/web/page-controller';
import { PortalAuthGuard } from './portal-auth.guard';
import { PORTAL_AREA, PortalCsrfGuard } from './portal-cookies';

/** A portal page controller under /portal: a signed-in client and, for forms, the portal's CSRF token. */
export const PortalController = (path = '') => PageController(PORTAL_AREA, path, [PortalAuthGuard, PortalCsrfGuard]);

/** Pages without a session (login, invitations): their forms are CSRF-protected all the same. */
export const PortalPublicController = (path = '') => PageController(PORTAL_AREA, path, [PortalCsrfGuard]);
