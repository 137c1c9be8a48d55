import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LettersService } from './letters.service';

/**
 * Sends letters in the background on instances with the scheduler on: one
 * batch of CAMPAIGN_BATCH_SIZE accounts every CAMPAIGN_BATCH_INTERVAL_MS, so
 * a large campaign neither holds a request nor floods the outbox (and the
 * SMTP server behind it). Batches are safe across instances (LettersService);
 * a failed one kept nothing, and the next round does its accounts again.
 */
@Injectable()
export class LettersScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LettersScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly letters: LettersService,
    // Present only when ScheduleModule is loaded (SCHEDULER_ENABLED is not false).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    registerIntervalJob(this.registry, 'letters', this.config.campaigns.intervalMs, this.logger, () => this.letters.runBatch());
  }
}
