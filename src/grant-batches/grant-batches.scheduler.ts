import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { GrantBatchesService } from './grant-batches.service';

/** Runs bulk grants in the background, at the campaign pace (CAMPAIGN_BATCH_SIZE every CAMPAIGN_BATCH_INTERVAL_MS). */
@Injectable()
export class GrantBatchesScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(GrantBatchesScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batches: GrantBatchesService,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    registerIntervalJob(this.registry, 'grant-batches', this.config.campaigns.intervalMs, this.logger, () => this.batches.runBatch());
  }
}
