import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * The bundle catalog (with the default "buy 5 get 6" priced from the policy's
 * per-incident fee) and the email outbox.
 */
export class CreateBundlesAndNotifications1764000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'bundles',
      columns: [
        col.id(),
        col.str('code', 50),
        col.str('name', 200),
        col.int('paid_incidents'),
        col.int('bonus_incidents'),
        col.int('points'),
        col.int('price_cents'),
        col.str('currency', 3),
        col.bool('active', true),
        col.date('available_from'),
        col.date('available_until'),
        col.time('created_at'),
        col.time('updated_at'),
      ],
      indices: [new TableIndex({ name: 'uq_bundles_code', columnNames: ['code'], isUnique: true })],
    }));
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await q.query(
      'INSERT INTO bundles (code, name, paid_incidents, bonus_incidents, points, price_cents, currency, active, ' +
        'available_from, available_until, created_at, updated_at) ' +
        'SELECT ?, ?, 5, 1, 6, 5 * per_incident_fee_cents, currency, 1, NULL, NULL, ?, ? FROM policies WHERE id = 1',
      ['buy5get6', 'Buy 5 get 6', now, now],
    );

    // The outbox. A row is written in the transaction of the change that
    // causes the email; the sender claims due rows (claim_token + lease_until)
    // before sending, so two instances never send one row twice.
    await q.createTable(new Table({
      name: 'notifications',
      columns: [
        col.id(),
        col.str('kind', 32),
        col.ref('account_id', true),
        col.str('to_address', 320),
        col.str('subject', 300),
        { name: 'body_text', type: 'text' },
        { name: 'body_html', type: 'text' },
        col.str('status', 16, { default: "'pending'" }),
        col.int('attempts', { default: 0 }),
        col.time('next_attempt_at'),
        col.str('claim_token', 36, { isNullable: true }),
        col.time('lease_until', true),
        col.str('last_error', 1000, { isNullable: true }),
        // Makes an email that must go out once per cause (one offer per crossing per contact) unique.
        col.str('dedupe_key', 191, { isNullable: true }),
        col.time('created_at'),
        col.time('sent_at', true),
      ],
      indices: [
        new TableIndex({ name: 'ix_notifications_due', columnNames: ['status', 'next_attempt_at'] }),
        new TableIndex({ name: 'ix_notifications_account', columnNames: ['account_id', 'id'] }),
        new TableIndex({ name: 'ix_notifications_claim', columnNames: ['claim_token'] }),
        new TableIndex({ name: 'uq_notifications_dedupe', columnNames: ['dedupe_key'], isUnique: true }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notifications');
    await q.dropTable('bundles');
  }
}
