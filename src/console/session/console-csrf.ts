import { Inject, Injectable } from '@nestjs/common';
import { SessionCsrf } from '../../common/web/session-csrf';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ConsoleCookies } from './console-cookies';

export { CSRF_FIELD } from '../../common/web/session-csrf';

/** Double-submit CSRF tokens bound to the console session (see SessionCsrf). */
@Injectable()
export class ConsoleCsrf extends SessionCsrf {
  constructor(@Inject(APP_CONFIG) config: AppConfig, cookies: ConsoleCookies) {
    super(config, cookies);
  }
}
