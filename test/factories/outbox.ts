import { In } from 'typeorm';
import { TransactionService } from '../../src/common/database/transaction.service';
import { NotificationEntity, NotificationKind } from '../../src/notifications/notification.entity';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { OutboxSender, SendRound } from '../../src/notifications/outbox-sender';
import { TestApp } from '../helpers/test-app';
import { tag } from './db';

export interface QueueOptions {
  /** Recipient of email i (default: a unique address per email). */
  to?: (i: number) => string;
  accountId?: number | null;
  kind?: NotificationKind;
}

/**
 * Queues `count` emails straight into the outbox, in one transaction, the
 * way other modules do (NotificationsService.enqueue with a real template),
 * and returns their ids in order. Each gets a unique dedupe key so the ids
 * can be found again.
 */
export async function queueEmails(t: TestApp, count: number, opts: QueueOptions = {}): Promise<string[]> {
  const batch = tag();
  const notifications = t.app.get(NotificationsService);
  const queued = await t.app.get(TransactionService).run(undefined, (em) => notifications.enqueue(em, Array.from({ length: count }, (_, i) => ({
    kind: opts.kind ?? 'low_balance_offer',
    accountId: opts.accountId ?? null,
    to: opts.to?.(i) ?? `${batch}.${i}@client.test`,
    template: 'low-balance-offer',
    subject: `Outbox test ${batch} #${i}`,
    data: {
      accountName: `Outbox ${batch}`, contactName: `Contact ${i}`, balance: 1, balanceText: '1 point', feeText: '$75.00',
      bundles: [], portalUrl: 'http://localhost/portal',
    },
    dedupeKey: `test:${batch}:${i}`,
  }))));
  if (queued !== count) throw new Error(`queueEmails: queued ${queued} of ${count}`);
  const rows = await t.dataSource.getRepository(NotificationEntity).find({
    where: { dedupeKey: In(Array.from({ length: count }, (_, i) => `test:${batch}:${i}`)) }, order: { id: 'ASC' },
  });
  return rows.map((r) => String(r.id));
}

/** Outbox rows straight from the database, in id order. */
export function outboxRows(t: TestApp, ids?: string[]): Promise<NotificationEntity[]> {
  return t.dataSource.getRepository(NotificationEntity).find({
    where: ids ? { id: In(ids.map(Number)) } : {}, order: { id: 'ASC' },
  });
}

/** One sender round as the scheduler would run it. */
export function drain(t: TestApp): Promise<SendRound> {
  return t.app.get(OutboxSender).drain();
}

/** Resolves once `check` returns true (polled), or throws with `what` after timeoutMs. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
