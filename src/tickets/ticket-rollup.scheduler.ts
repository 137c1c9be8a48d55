import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TicketsService } from './tickets.service';

/** Delay of the round run once after start. */
const FIRST_ROUND_MS = 1_000;

/**
 * Keeps the reports' daily ticket totals caught up on instances with the
 * scheduler on: a round every REPORT_ROLLUP_INTERVAL_MS, and one soon after
 * start, so a fresh deploy over an existing database backfills at once
 * rather than an interval later. Rounds are safe across instances
 * (TicketsService.rollUpReports); on one instance they never overlap.
 */
@Injectable()
export class TicketRollupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(TicketRollupScheduler.name);
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    // Present only when ScheduleModule is loaded (SCHEDULER_ENABLED is not false).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.registry || !this.config.schedulerEnabled) return;
    registerIntervalJob(this.registry, 'ticket-report-rollup', this.config.reports.rollupIntervalMs, this.logger, () => this.round());
    // In the registry, so it is cleared at shutdown if the app stops before it fires.
    this.registry.addTimeout('ticket-report-rollup-first', setTimeout(() => {
      this.round().catch((err: Error) => this.logger.error(`ticket-report-rollup first round failed: ${err.message}`, err.stack));
    }, FIRST_ROUND_MS));
  }

  /** The first round and the interval's share this guard: a round still running is not started twice. */
  private async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.tickets.rollUpReports();
    } finally {
      this.running = false;
    }
  }
}
