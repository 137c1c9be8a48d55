import { Injectable } from '@nestjs/common';
import { SessionCsrfGuard } from '../../common/web/session-csrf';
import { ConsoleCsrf } from './console-csrf';

/** Every state-changing console request must carry this browser's console CSRF token. */
@Injectable()
export class CsrfGuard extends SessionCsrfGuard {
  constructor(csrf: ConsoleCsrf) {
    super(csrf);
  }
}
