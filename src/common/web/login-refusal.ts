import { Response } from 'express';
import { AuthError } from '../../auth/auth.errors';

/**
 * What a login page shows when AuthService.login refuses: 401 for a wrong
 * email or password, 429 (with Retry-After) after too many failures. Null
 * for any other error, which the caller lets through to the error filter.
 */
export function loginRefusal(err: unknown, res: Response): { status: number; message: string } | null {
  if (!(err instanceof AuthError)) return null;
  if (err.code === 'UNAUTHORIZED') return { status: 401, message: 'Wrong email or password.' };
  if (err.code !== 'TOO_MANY_REQUESTS') return null;
  if (typeof err.details?.retryAfter === 'number') res.setHeader('Retry-After', String(err.details.retryAfter));
  return { status: 429, message: err.message };
}
