import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxSender } from './outbox-sender';

/**
 * Runs the outbox sender every OUTBOX_POLL_MS on instances with the
 * scheduler on (SCHEDULER_ENABLED) and an SMTP server (SMTP_URL). The
 * registry stops the interval at shutdown; the sender finishes its round.
 */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sender: OutboxSender,
    // Present only when ScheduleModule is loaded (SCHEDULER_ENABLED is not false).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.registry) return;
    if (!this.sender.enabled) {
      this.logger.warn('SMTP_URL is not set: emails stay in the outbox (console → Outbox) until a mail server is configured');
      return;
    }
    if (this.config.publicUrlDefaulted) {
      this.logger.warn(`PUBLIC_URL is not set: links in emails point to ${this.config.publicUrl}`);
    }
    // A failed round is logged and the next one tries again; rows stay claimed only until their lease ends.
    registerIntervalJob(this.registry, 'outbox-sender', this.config.mail.pollMs, this.logger, () => this.sender.drain());
  }
}
