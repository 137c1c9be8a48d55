import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsBooleanString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/**
 * Every environment variable Pointdesk reads, validated once at start-up.
 * A bad value stops the process with a list of every offending variable.
 */
export class EnvSchema {
  /** HTTP port for the API, console and portal. */
  @IsOptional() @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  /** `mysql://user:pass@host:3306/db`; unset means embedded SQLite. */
  @IsOptional() @Matches(/^(mysql|mariadb):\/\/.+/, { message: 'DATABASE_URL must be a mysql:// or mariadb:// URL' })
  DATABASE_URL?: string;

  /** File for the embedded SQLite database (used only without DATABASE_URL). */
  @IsOptional() @IsString() @MinLength(1)
  SQLITE_PATH?: string;

  /** Signs access tokens and console session cookies. Random per process when unset. */
  @IsOptional() @IsString() @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET?: string;

  /** First admin, created on an empty database. */
  @IsOptional() @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional() @IsString() @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  ADMIN_PASSWORD?: string;

  /** `smtp://host:port` of the mail server; unset keeps mail in the outbox. */
  @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional() @IsString()
  MAIL_FROM?: string;

  @IsOptional() @IsString()
  COMPANY_NAME?: string;

  /** Where people reach this server, for links in emails (default http://localhost:PORT). */
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  /** Delivery attempts before an email is marked failed. */
  @IsOptional() @IsInt() @Min(1) @Max(50)
  MAIL_MAX_ATTEMPTS?: number;

  /** Wait before the first retry; it doubles with each failed attempt (capped at one hour). */
  @IsOptional() @IsInt() @Min(0) @Max(3_600_000)
  MAIL_RETRY_BASE_MS?: number;

  /** How long a sender may hold claimed emails before another instance may take them over. */
  @IsOptional() @IsInt() @Min(1000) @Max(3_600_000)
  MAIL_LEASE_MS?: number;

  /** How often the outbox sender looks for due emails. */
  @IsOptional() @IsInt() @Min(50) @Max(600_000)
  OUTBOX_POLL_MS?: number;

  /** Emails claimed per round; also the most sent at once. */
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  OUTBOX_BATCH_SIZE?: number;

  /** `false` turns off cron jobs (tests, extra replicas). */
  @IsOptional() @IsBooleanString({ message: 'SCHEDULER_ENABLED must be true or false' })
  SCHEDULER_ENABLED?: string;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /** Mark session cookies Secure (set when served over HTTPS). */
  @IsOptional() @IsBooleanString({ message: 'COOKIE_SECURE must be true or false' })
  COOKIE_SECURE?: string;

  /** Stripe secret API key; with STRIPE_WEBHOOK_SECRET it turns on card payments (Stripe Checkout). */
  @IsOptional() @Matches(/^(sk|rk)_\S+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_… or rk_…)' })
  STRIPE_SECRET_KEY?: string;

  /** Signing secret of the Stripe webhook endpoint (whsec_…) that points at /api/webhooks/stripe. */
  @IsOptional() @Matches(/^whsec_\S+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET?: string;

  /** Base URL of the Stripe API, only for a local stripe-mock in tests and development. */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, { message: 'STRIPE_API_URL must be an http(s)://host[:port] URL' })
  STRIPE_API_URL?: string;

  /** The seller's postal address on invoices (use \n for line breaks). */
  @IsOptional() @IsString()
  BILLING_ADDRESS?: string;

  /** How to pay an invoice by bank transfer (account holder, IBAN, …), shown on invoices and in the portal. */
  @IsOptional() @IsString()
  BILLING_BANK_DETAILS?: string;

  /** Accounts an announcement letter or a bulk grant handles per batch (one transaction each). */
  @IsOptional() @IsInt() @Min(1) @Max(5000)
  CAMPAIGN_BATCH_SIZE?: number;

  /** Pause between two batches: with CAMPAIGN_BATCH_SIZE, the campaign's rate (100 every 1000 ms: 100 accounts a second). */
  @IsOptional() @IsInt() @Min(10) @Max(3_600_000)
  CAMPAIGN_BATCH_INTERVAL_MS?: number;

  /** How often the report totals (daily ledger and ticket totals) catch up; also the ledger rollup's safety lag. */
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000)
  REPORT_ROLLUP_INTERVAL_MS?: number;

  /** How long the link in a client invitation email stays valid. */
  @IsOptional() @IsInt() @Min(1) @Max(24 * 90)
  INVITATION_TTL_HOURS?: number;

  /** Processes serving requests (one per core is the usual choice); more than 1 needs DATABASE_URL. */
  @IsOptional() @IsInt() @Min(1) @Max(64)
  WEB_CONCURRENCY?: number;

  /** Size of the MySQL connection pool (of each worker process). */
  @IsOptional() @IsInt() @Min(1) @Max(500)
  DB_POOL_SIZE?: number;
}

export function validateEnv(raw: Record<string, string | undefined>): EnvSchema {
  // Empty values count as unset; unrelated variables are stripped by `whitelist`.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(EnvSchema, present, { enableImplicitConversion: true });
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  - ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
