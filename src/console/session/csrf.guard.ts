import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { AuthError } from '../../auth/auth.errors';
import { ConsoleCsrf } from './console-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every state-changing console request must carry this browser's CSRF token. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: ConsoleCsrf) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || this.csrf.isValid(req)) return true;
    throw new AuthError('FORBIDDEN', 'This form has expired or did not come from this console. Reload the page and try again.');
  }
}
