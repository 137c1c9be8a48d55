import { randomBytes } from 'node:crypto';
import { EnvSchema, validateEnv } from './env.schema';

export type DatabaseConfig =
  | { type: 'mysql'; url: string; poolSize: number }
  | { type: 'sqlite'; path: string };

/** Typed, frozen configuration. Code reads this, never process.env. */
export interface AppConfig {
  readonly port: number;
  /** Worker processes sharing the port (WEB_CONCURRENCY); 1 runs the app in this process. */
  readonly workers: number;
  readonly database: DatabaseConfig;
  readonly sessionSecret: string;
  readonly sessionSecretGenerated: boolean;
  readonly admin: { readonly email: string; readonly password?: string };
  readonly publicUrl: string;
  readonly publicUrlDefaulted: boolean;
  readonly mail: MailConfig;
  readonly billing: BillingConfig;
  /** Set when both Stripe secrets are configured: card payments through Stripe Checkout. */
  readonly stripe?: StripeConfig;
  readonly invitationTtlHours: number;
  /** Announcement letters and bulk grants run in the background, batchSize accounts every intervalMs. */
  readonly campaigns: { readonly batchSize: number; readonly intervalMs: number };
  /** The reports' daily totals catch up every rollupIntervalMs (on instances with the scheduler on). */
  readonly reports: { readonly rollupIntervalMs: number };
  readonly schedulerEnabled: boolean;
  readonly logLevel: string;
  readonly cookieSecure: boolean;
}

export interface MailConfig {
  /** Unset: emails stay in the outbox (shown in the console), nothing is sent. */
  readonly smtpUrl?: string;
  readonly from: string;
  readonly companyName: string;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly batchSize: number;
}

export interface BillingConfig {
  /** Seller's address lines for invoices. */
  readonly address: string[];
  /** Bank-transfer instructions, one line each; empty when none are configured. */
  readonly bankDetails: string[];
}

export interface StripeConfig {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** A local stripe-mock (tests); unset means Stripe's own API. */
  readonly apiUrl?: string;
}

const lines = (v: string | undefined) => (v ?? '').split(/\\n|\n/).map((l) => l.trim()).filter((l) => l !== '');

export const APP_CONFIG = Symbol('APP_CONFIG');

export function buildConfig(raw: Record<string, string | undefined> = process.env): AppConfig {
  const env: EnvSchema = validateEnv(raw);
  const database: DatabaseConfig = env.DATABASE_URL
    ? { type: 'mysql', url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE ?? 20 }
    : { type: 'sqlite', path: env.SQLITE_PATH ?? './data/pointdesk.sqlite' };
  const port = env.PORT ?? 3000;
  if (!env.STRIPE_SECRET_KEY !== !env.STRIPE_WEBHOOK_SECRET) {
    const missing = env.STRIPE_SECRET_KEY ? 'STRIPE_WEBHOOK_SECRET' : 'STRIPE_SECRET_KEY';
    throw new Error(`Invalid configuration:\n  - ${missing}: card payments need both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET`);
  }
  const workers = env.WEB_CONCURRENCY ?? 1;
  if (workers > 1 && database.type === 'sqlite') {
    throw new Error('Invalid configuration:\n  - WEB_CONCURRENCY: more than one worker needs DATABASE_URL (MySQL); the embedded SQLite database has a single writer');
  }
  return Object.freeze({
    port,
    workers,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    publicUrlDefaulted: !env.PUBLIC_URL,
    database,
    sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    sessionSecretGenerated: !env.SESSION_SECRET,
    admin: Object.freeze({ email: env.ADMIN_EMAIL ?? 'admin@pointdesk.local', password: env.ADMIN_PASSWORD }),
    mail: Object.freeze({
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? 'Pointdesk <support@pointdesk.local>',
      companyName: env.COMPANY_NAME ?? 'Pointdesk',
      maxAttempts: env.MAIL_MAX_ATTEMPTS ?? 8,
      retryBaseMs: env.MAIL_RETRY_BASE_MS ?? 30_000,
      leaseMs: env.MAIL_LEASE_MS ?? 120_000,
      pollMs: env.OUTBOX_POLL_MS ?? 2000,
      batchSize: env.OUTBOX_BATCH_SIZE ?? 50,
    }),
    billing: Object.freeze({ address: lines(env.BILLING_ADDRESS), bankDetails: lines(env.BILLING_BANK_DETAILS) }),
    stripe: env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
      ? Object.freeze({ secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiUrl: env.STRIPE_API_URL })
      : undefined,
    invitationTtlHours: env.INVITATION_TTL_HOURS ?? 72,
    reports: Object.freeze({ rollupIntervalMs: env.REPORT_ROLLUP_INTERVAL_MS ?? 60_000 }),
    campaigns: Object.freeze({ batchSize: env.CAMPAIGN_BATCH_SIZE ?? 100, intervalMs: env.CAMPAIGN_BATCH_INTERVAL_MS ?? 1000 }),
    schedulerEnabled: env.SCHEDULER_ENABLED !== 'false',
    logLevel: env.LOG_LEVEL ?? 'info',
    cookieSecure: env.COOKIE_SECURE === 'true',
  });
}
