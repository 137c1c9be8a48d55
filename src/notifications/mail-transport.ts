import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface OutgoingMail {
  /** Stable per outbox row, so a receiving server can recognise a re-delivery. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const MAX_CONNECTIONS = 5;

/** Thrown for an SMTP answer that retrying will not change (5xx for this message: unknown mailbox, rejected content). */
export class PermanentMailError extends Error {}

/**
 * The SMTP connection pool (nodemailer), built from SMTP_URL. Without
 * SMTP_URL it is disabled: emails stay in the outbox.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const url = config.mail.smtpUrl;
    this.transporter = url
      ? nodemailer.createTransport({
        url,
        pool: true,
        maxConnections: MAX_CONNECTIONS,
        // A dead server must fail an attempt quickly (it is retried later), not hold the lease.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      })
      : null;
  }

  get enabled(): boolean {
    return this.transporter !== null;
  }

  /** How many messages can be on their way at once. */
  get connections(): number {
    return MAX_CONNECTIONS;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transporter) throw new Error('SMTP_URL is not set');
    try {
      await this.transporter.sendMail({
        from: this.config.mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string };
      // Only a 5xx about this message (its recipient: EENVELOPE, its content: EMESSAGE) is final. A 5xx
      // at login or connection (wrong password, relay denied) is our configuration: retried, not given up.
      const aboutMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
      if (aboutMessage && e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode < 600) {
        throw new PermanentMailError(describe(err));
      }
      throw new Error(describe(err));
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; response?: string; message?: string };
  return [e.code, e.response ?? e.message].filter(Boolean).join(': ').slice(0, 1000) || 'unknown SMTP error';
}
