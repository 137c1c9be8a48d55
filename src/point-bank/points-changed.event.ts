import { EntityManager } from 'typeorm';
import { LedgerEntryView } from './dto/ledger-entry.view';

/**
 * Published by PointBankService after every ledger entry, inside the entry's
 * transaction and awaited: a listener writes with `em`, so what it writes
 * commits or rolls back with the entry, and a listener's error undoes the entry.
 */
export const POINTS_CHANGED = 'points.changed';

export interface PointsChangedEvent {
  em: EntityManager;
  entry: LedgerEntryView;
}
