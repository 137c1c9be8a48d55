import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, ERROR_STATUS } from './domain-error';

export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
}

const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

/**
 * The NestJS error shape for anything a request can throw, or null for an
 * unexpected error (which becomes a generic 500 after being logged).
 */
export function toHttpError(err: unknown): HttpErrorBody | null {
  if (err instanceof DomainError) {
    const statusCode = ERROR_STATUS[err.code] ?? 400;
    return { statusCode, error: REASON[statusCode] ?? 'Error', message: err.message, code: err.code };
  }
  if (err instanceof HttpException) {
    const statusCode = err.getStatus();
    const res = err.getResponse();
    if (typeof res === 'object' && res !== null) {
      const r = res as Partial<HttpErrorBody>;
      const error = typeof r.error === 'string' ? r.error : REASON[statusCode] ?? 'Error';
      return { statusCode, error, message: r.message ?? err.message, ...(r.code ? { code: r.code } : {}) };
    }
    return { statusCode, error: REASON[statusCode] ?? 'Error', message: String(res) };
  }
  // body-parser: malformed JSON, wrong content length, too large.
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string };
  const status = e?.status ?? e?.statusCode;
  if (e?.expose && typeof status === 'number' && status >= 400 && status < 500) {
    const message = e.type === 'entity.parse.failed' ? 'Malformed JSON in request body' : e.message ?? 'Bad request';
    return { statusCode: status, error: REASON[status] ?? 'Bad Request', message };
  }
  return null;
}

export const INTERNAL_ERROR: HttpErrorBody = {
  statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Something went wrong on our side',
};
