import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { redactUrl } from './redact-url';

/** What an access line says about the request and the response: no headers, no body, the URL without secrets. */
export const HTTP_SERIALIZERS = {
  req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/** Whether requests are logged (access lines are info-level). */
const logsRequests = (config: AppConfig) => ['info', 'debug', 'trace'].includes(config.logLevel);

/**
 * Gives every request an id (taken from X-Request-Id when a proxy sets one,
 * at most 64 characters): error answers carry it as `requestId` and the
 * lines logged about the request name it. Registered before everything else.
 */
export function assignRequestId(req: IncomingMessage & { id?: string }, _res: ServerResponse, next: () => void): void {
  req.id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
  next();
}

/**
 * Structured JSON logs with pino; passwords and tokens are redacted,
 * including an invitation link's token in the URL (see redactUrl).
 *
 * At LOG_LEVEL info and below, every request gets an access line and
 * nestjs-pino carries the request (its id, method, URL) into every line
 * logged while handling it. That carrying is AsyncLocalStorage, whose
 * promise hooks cost about a fifth of a logged call's CPU on Node 20
 * (`npm run bench`: 756 → 916 calls/s without it). At warn and above, where
 * no request is logged, the per-request middleware is left out altogether:
 * the few lines logged then (warnings, errors) name the request id
 * themselves where it matters (see GlobalExceptionFilter).
 */
export function loggingModule(config: AppConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Health probes and static assets would drown the log.
      autoLogging: { ignore: (req) => req.url === '/health' || !!req.url?.startsWith('/console/assets/') },
      serializers: HTTP_SERIALIZERS,
    },
    ...(logsRequests(config) ? {} : { forRoutes: [] }),
  });
}
