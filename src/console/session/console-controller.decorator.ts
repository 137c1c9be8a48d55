import { PageController } from '../../common/web/page-controller';
import { ConsoleAuthGuard } from './console-auth.guard';
import { CONSOLE_AREA } from './console-cookies';
import { CsrfGuard } from './csrf.guard';

/**
 * A console page controller under /console: outside the bearer-token API guard
 * (@Public) and the OpenAPI document, behind the cookie session and CSRF checks
 * instead. Add @ConsoleRole('manager') for pages agents may not use.
 */
export const ConsoleController = (path = '') => PageController(CONSOLE_AREA, path, [ConsoleAuthGuard, CsrfGuard]);

/** The login page: no session needed, but its form is CSRF-protected like every other. */
export const ConsolePublicController = () => PageController(CONSOLE_AREA, '', [CsrfGuard]);
