import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `work` every `ms` under `name` in the scheduler registry (which stops
 * it at shutdown). A round still running when the next is due is skipped
 * rather than doubled; a failed round is logged and the next one tries again.
 */
export function registerIntervalJob(registry: SchedulerRegistry, name: string, ms: number, logger: Logger, work: () => Promise<unknown>): void {
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
}
