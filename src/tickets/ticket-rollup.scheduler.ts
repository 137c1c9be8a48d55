import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TicketsService } from './tickets.service';

/**
 * Keeps the reports' daily ticket totals caught up on instances with the
 * scheduler on: a round every REPORT_ROLLUP_INTERVAL_MS, and one a second
 * after start, so a fresh deploy over an existing database backfills at once
 * rather than an interval later. Rounds are safe across instances
 * (TicketsService.rollUpReports); on one instance they never overlap.
 */
@Injectable()
export class TicketRollupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(TicketRollupScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    // Present only when ScheduleModule is loaded (SCHEDULER_ENABLED is not false).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    registerIntervalJob(this.registry, 'ticket-report-rollup', this.config.reports.rollupIntervalMs, this.logger,
      () => this.tickets.rollUpReports(), { firstRunMs: 1_000 });
  }
}
