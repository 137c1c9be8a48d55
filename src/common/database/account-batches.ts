import { randomUUID } from 'node:crypto';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Per-account work of a background campaign (an announcement letter, a bulk
 * grant): one row per account, `pending` until a batch does that account.
 */
export interface AccountWorkRow extends ObjectLiteral {
  id: number;
  accountId: number;
  status: string;
  claim: string | null;
  processedAt: Date | null;
}

/**
 * Claims up to `limit` pending rows of one campaign for the caller's
 * transaction and returns them. The rows become `done` in that
 * transaction, so they are done exactly when the work the caller does for
 * them commits; if it rolls back (or the process dies) they are pending
 * again. Two instances claiming at once: the guarded update (`status =
 * 'pending'`) lets each row go to one of them — on MySQL the second waits for
 * the first's row locks and then finds the rows taken — and the claim token
 * reads back which rows this batch won.
 */
export async function claimPendingAccounts<T extends AccountWorkRow>(
  em: EntityManager, target: EntityTarget<T>, parent: { column: string; id: number }, limit: number,
): Promise<T[]> {
  const repo = em.getRepository(target);
  const candidates = await repo.createQueryBuilder('w').select('w.id', 'id')
    .where(`w.${parent.column} = :parentId AND w.status = :pending`, { parentId: parent.id, pending: 'pending' })
    .orderBy('w.id', 'ASC').limit(limit).getRawMany<{ id: number | string }>();
  if (candidates.length === 0) return [];
  const claim = randomUUID();
  await repo.createQueryBuilder().update()
    .set({ status: 'done', claim, processedAt: new Date() } as never)
    .where('id IN (:...ids) AND status = :pending', { ids: candidates.map((c) => Number(c.id)), pending: 'pending' })
    .execute();
  return repo.find({ where: { claim } as never, order: { id: 'ASC' } as never });
}

/** Marks claimed rows of one campaign `skipped` (the account closed since the campaign started). */
export async function markSkipped<T extends AccountWorkRow>(
  em: EntityManager, target: EntityTarget<T>, parent: { column: string; id: number }, accountIds: number[],
): Promise<void> {
  if (accountIds.length === 0) return;
  await em.getRepository(target).createQueryBuilder().update()
    .set({ status: 'skipped' } as never)
    .where(`${parent.column} = :parentId AND account_id IN (:...accountIds)`, { parentId: parent.id, accountIds })
    .execute();
}

/** Rows per status of one campaign. */
export async function countByStatus<T extends AccountWorkRow>(
  em: EntityManager, target: EntityTarget<T>, parent: { column: string; id: number },
): Promise<Record<'pending' | 'done' | 'skipped', number>> {
  const rows = await em.getRepository(target).createQueryBuilder('w').select('w.status', 'status').addSelect('COUNT(*)', 'n')
    .where(`w.${parent.column} = :parentId`, { parentId: parent.id }).groupBy('w.status').getRawMany<{ status: string; n: number | string }>();
  const counts = { pending: 0, done: 0, skipped: 0 };
  for (const r of rows) counts[r.status as keyof typeof counts] = Number(r.n);
  return counts;
}

