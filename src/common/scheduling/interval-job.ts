import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `work` every `ms` under `name` in the scheduler registry (which stops
 * it at shutdown), and once `firstRunMs` after start when given (a job that
 * should catch up at once rather than an interval later). A round still
 * running when the next is due is skipped rather than doubled; a failed round
 * is logged and the next one tries again. Without a registry (ScheduleModule
 * is loaded only when SCHEDULER_ENABLED is not false) nothing is scheduled.
 */
export function registerIntervalJob(
  registry: SchedulerRegistry | undefined, name: string, ms: number, logger: Logger, work: () => Promise<unknown>,
  opts: { firstRunMs?: number } = {},
): void {
  if (!registry) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } catch (err) {
      logger.error(`${name} round failed: ${(err as Error).message}`, (err as Error).stack);
    } finally {
      running = false;
    }
  };
  registry.addInterval(name, setInterval(() => void tick(), ms));
  if (opts.firstRunMs !== undefined) registry.addTimeout(`${name}-first`, setTimeout(() => void tick(), opts.firstRunMs));
}
