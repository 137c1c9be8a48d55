import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * Daily totals for the reports, so a year or all time of a million tickets
 * and millions of ledger entries is read from a few thousand rows.
 *
 * - ledger_daily_totals: points and entries per UTC day and kind. Entries
 *   are never changed, so they are added once, by id: ledger_rollup keeps
 *   the last id added (rolled_id) and the highest id seen at the previous
 *   round (seen_id, seen_at); a round adds only up to the id seen a while
 *   before, when every entry below it has committed. Reports read the totals
 *   plus the entries after rolled_id (see PointBankService).
 * - ticket_daily_totals: tickets, fees and charge points per UTC day, fault
 *   and charge kind. Tickets change (reclassification), so whole days are
 *   recomputed: days up to ticket_rollup.rolled_until, except the days in
 *   ticket_dirty_days (a ticket of that day changed since), are read from
 *   the totals; the rest from tickets (see TicketsService).
 *
 * ix_ledger_account_id grows the columns a per-account report sums, so the
 * top callers' points are read from the index alone.
 */
export class CreateReportRollups1764400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'ledger_daily_totals',
      columns: [
        { ...col.date('day', false), isPrimary: true },
        { ...col.str('kind', 16), isPrimary: true },
        col.int('points'),
        col.int('entries'),
      ],
    }));
    await q.createTable(new Table({
      name: 'ledger_rollup',
      columns: [
        { ...col.int('id'), isPrimary: true },
        col.int('rolled_id'),
        col.int('seen_id'),
        col.time('seen_at'),
      ],
    }));
    await q.query('INSERT INTO ledger_rollup (id, rolled_id, seen_id, seen_at) VALUES (1, 0, 0, ?)', ['1970-01-01 00:00:00.000']);

    await q.createTable(new Table({
      name: 'ticket_daily_totals',
      columns: [
        { ...col.date('day', false), isPrimary: true },
        { ...col.str('fault', 16), isPrimary: true },
        { ...col.str('charge_kind', 16), isPrimary: true },
        col.int('tickets'),
        col.int('fee_cents'),
        col.int('charge_points'),
      ],
    }));
    await q.createTable(new Table({
      name: 'ticket_rollup',
      columns: [{ ...col.int('id'), isPrimary: true }, col.date('rolled_until', true)],
    }));
    await q.query('INSERT INTO ticket_rollup (id, rolled_until) VALUES (1, NULL)');
    await q.createTable(new Table({
      name: 'ticket_dirty_days',
      columns: [{ ...col.date('day', false), isPrimary: true }, col.time('marked_at')],
    }));

    await q.createIndex('ledger_entries', new TableIndex({
      name: 'ix_ledger_account', columnNames: ['account_id', 'id', 'kind', 'created_at', 'delta'],
    }));
    await q.dropIndex('ledger_entries', 'ix_ledger_account_id');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('ledger_entries', new TableIndex({ name: 'ix_ledger_account_id', columnNames: ['account_id', 'id'] }));
    await q.dropIndex('ledger_entries', 'ix_ledger_account');
    await q.dropTable('ticket_dirty_days');
    await q.dropTable('ticket_rollup');
    await q.dropTable('ticket_daily_totals');
    await q.dropTable('ledger_rollup');
    await q.dropTable('ledger_daily_totals');
  }
}
