import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * Announcement letters and bulk grants. Both freeze their audience when they
 * start: one row per account (letter_recipients, grant_batch_accounts) that a
 * background batch claims (pending → done) in the same transaction as the
 * grant, the emails and the policy-status change it makes for that account,
 * so a retried or restarted campaign does each account exactly once.
 * Outbox rows get the letter they belong to, for the campaign's progress.
 */
export class CreateLettersAndGrantBatches1764200000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'letters',
      columns: [
        col.id(),
        col.str('title', 200),
        col.str('subject', 300),
        col.text('body', false),
        // The segment filter as JSON ({favoured?, customerSinceBefore?, minIncidents?, incidentWindowDays?}).
        col.text('audience', false),
        col.int('grant_points', { default: 0 }),
        col.str('status', 16),
        col.ref('created_by'),
        col.ref('approved_by', true),
        col.ref('sent_by', true),
        col.time('created_at'),
        col.time('updated_at'),
        col.time('approved_at', true),
        col.time('send_started_at', true),
        col.time('sent_at', true),
      ],
      indices: [new TableIndex({ name: 'ix_letters_status', columnNames: ['status', 'id'] })],
    }));

    await q.createTable(new Table({
      name: 'letter_recipients',
      columns: [
        col.id(),
        col.ref('letter_id'),
        col.ref('account_id'),
        // pending → done (granted, emailed, notified) or skipped (closed meanwhile).
        col.str('status', 16),
        // Emails for this account: its contacts when the audience was frozen, then the ones actually queued.
        col.int('emails', { default: 0 }),
        // The batch that claimed the row, to read back which rows a batch won.
        col.str('claim', 36, { isNullable: true }),
        col.time('processed_at', true),
      ],
      indices: [
        new TableIndex({ name: 'uq_letter_recipients', columnNames: ['letter_id', 'account_id'], isUnique: true }),
        new TableIndex({ name: 'ix_letter_recipients_status', columnNames: ['letter_id', 'status', 'id'] }),
        new TableIndex({ name: 'ix_letter_recipients_claim', columnNames: ['claim'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'grant_batches',
      columns: [
        col.id(),
        col.int('points'),
        col.str('reason', 500),
        col.text('audience', false),
        // running → done.
        col.str('status', 16),
        col.ref('created_by'),
        col.time('created_at'),
        col.time('finished_at', true),
      ],
      indices: [new TableIndex({ name: 'ix_grant_batches_status', columnNames: ['status', 'id'] })],
    }));

    await q.createTable(new Table({
      name: 'grant_batch_accounts',
      columns: [
        col.id(),
        col.ref('batch_id'),
        col.ref('account_id'),
        // pending → granted, or skipped (closed meanwhile).
        col.str('status', 16),
        col.str('claim', 36, { isNullable: true }),
        col.time('processed_at', true),
      ],
      indices: [
        new TableIndex({ name: 'uq_grant_batch_accounts', columnNames: ['batch_id', 'account_id'], isUnique: true }),
        new TableIndex({ name: 'ix_grant_batch_accounts_status', columnNames: ['batch_id', 'status', 'id'] }),
        new TableIndex({ name: 'ix_grant_batch_accounts_claim', columnNames: ['claim'] }),
      ],
    }));

    await q.addColumn('notifications', new TableColumn({ name: 'letter_id', type: 'integer', isNullable: true }));
    await q.createIndex('notifications', new TableIndex({ name: 'ix_notifications_letter', columnNames: ['letter_id', 'status'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('notifications', 'ix_notifications_letter');
    await q.dropColumn('notifications', 'letter_id');
    await q.dropTable('grant_batch_accounts');
    await q.dropTable('grant_batches');
    await q.dropTable('letter_recipients');
    await q.dropTable('letters');
  }
}
