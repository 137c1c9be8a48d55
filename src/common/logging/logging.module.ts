import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { redactUrl } from './redact-url';

/** What an access line says about the request and the response: no headers, no body, the URL without secrets. */
export const HTTP_SERIALIZERS = {
  req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/**
 * Structured JSON logs with pino. Every request gets an id (taken from
 * X-Request-Id when a proxy sets one) that nestjs-pino carries into every
 * line logged while handling it; passwords and tokens are redacted,
 * including an invitation link's token in the URL (see redactUrl).
 */
export function loggingModule(config: AppConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID(),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Health probes and static assets would drown the log.
      // Access lines are info-level: above that, skip the per-request bookkeeping altogether.
      autoLogging: ['info', 'debug', 'trace'].includes(config.logLevel)
        ? { ignore: (req) => req.url === '/health' || !!req.url?.startsWith('/console/assets/') }
        : false,
      serializers: HTTP_SERIALIZERS,
    },
  });
}
