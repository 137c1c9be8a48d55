import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { INTERNAL_ERROR, toHttpError } from '../errors/http-error';
import { redactUrl } from '../logging/redact-url';

/**
 * One place that turns errors into responses: the NestJS shape
 * `{statusCode, error, message}` plus `code` and `requestId` for the API, an
 * error page for console and portal pages. Unexpected errors are logged in
 * full and answered with a generic 500.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    let body = toHttpError(err);
    if (!body) {
      this.logger.error(`unhandled error on ${req.method} ${redactUrl(req.originalUrl)} (request ${req.id})`, err instanceof Error ? err.stack : String(err));
      body = INTERNAL_ERROR;
    }
    if (res.headersSent) return;
    const retryAfter = err instanceof DomainError ? err.details?.retryAfter : undefined;
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    const area = /^\/(console|portal)(\/|$)/.exec(req.path)?.[1];
    if (area && !req.headers['hx-request'] && req.accepts(['html', 'json']) === 'html') {
      res.status(body.statusCode).render('error', {
        layout: area === 'portal' ? 'layouts/portal' : 'layouts/main', title: body.error, status: body.statusCode, message: body.message,
        home: { href: `/${area}`, label: area === 'portal' ? 'Back to the portal' : 'Back to the console' },
      });
      return;
    }
    res.status(body.statusCode).json({ ...body, requestId: req.id });
  }
}
