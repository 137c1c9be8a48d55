import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { registerIntervalJob } from '../common/scheduling/interval-job';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PointBankService } from './point-bank.service';

/** Keeps the reports' daily ledger totals caught up, every REPORT_ROLLUP_INTERVAL_MS and once soon after start, on instances with the scheduler on. */
@Injectable()
export class LedgerRollupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LedgerRollupScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bank: PointBankService,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    registerIntervalJob(this.registry, 'ledger-rollup', this.config.reports.rollupIntervalMs, this.logger, async () => {
      const added = await this.bank.rollUpReports();
      if (added > 0) this.logger.log(`ledger rollup: ${added} entries added to the daily totals`);
    }, { firstRunMs: 1_000 });
  }
}
