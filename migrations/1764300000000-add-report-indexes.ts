import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for the reports, so a period's figures are read from an index
 * alone instead of the tables' rows (a million tickets, millions of ledger
 * entries): each index starts with created_at, for the period, and carries
 * the columns the report groups and sums.
 * - tickets by period: fault, charge kind, fees, waived points (summary,
 *   weekly incidents), and account + fault (top callers);
 * - ledger entries by period: kind and delta (points in and out).
 * ix_tickets_created_at goes: ix_tickets_report starts with the same column,
 * so a ticket written still updates one more index than before, not two.
 */
export class AddReportIndexes1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tickets', new TableIndex({
      name: 'ix_tickets_report', columnNames: ['created_at', 'fault', 'charge_kind', 'charge_points', 'charge_fee_cents'],
    }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_callers', columnNames: ['created_at', 'account_id', 'fault'] }));
    await q.createIndex('ledger_entries', new TableIndex({ name: 'ix_ledger_report', columnNames: ['created_at', 'kind', 'delta'] }));
    await q.dropIndex('tickets', 'ix_tickets_created_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_created_at', columnNames: ['created_at'] }));
    await q.dropIndex('ledger_entries', 'ix_ledger_report');
    await q.dropIndex('tickets', 'ix_tickets_callers');
    await q.dropIndex('tickets', 'ix_tickets_report');
  }
}
