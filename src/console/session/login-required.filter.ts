import { safeReturnPath as safeAreaPath } from '../../common/web/login-required';
import { CONSOLE_AREA } from './console-cookies';

export { LoginRequiredFilter } from '../../common/web/login-required';

export const LOGIN_PATH = CONSOLE_AREA.loginPath;

/** A path inside the console to return to after login, or null; never another site (no open redirect). */
export const safeReturnPath = (raw: unknown): string | null => safeAreaPath(CONSOLE_AREA, raw);
