import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * The core schema: users, accounts and their contacts, the point bank,
 * policy, incident types, tickets, the audit log and idempotency records.
 * Written with the QueryRunner table API so it runs on MySQL and SQLite.
 */
export class CreateCoreTables1763776800000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'users',
      columns: [
        col.id(),
        col.str('email', 191),
        col.str('name', 200),
        col.str('role', 16),
        col.ref('account_id', true),
        col.str('password_hash', 255),
        col.bool('active', true),
        col.time('created_at'),
      ],
      indices: [new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true })],
    }));

    await q.createTable(new Table({
      name: 'accounts',
      columns: [
        col.id(),
        col.str('name', 200),
        col.date('customer_since'),
        col.bool('favoured', false),
        col.str('status', 16, { default: "'active'" }),
        col.str('policy_status', 16, { default: "'legacy'" }),
        col.time('created_at'),
        col.time('closed_at', true),
        col.text('close_reason'),
      ],
      indices: [
        new TableIndex({ name: 'ix_accounts_name', columnNames: ['name'] }),
        new TableIndex({ name: 'ix_accounts_status_favoured', columnNames: ['status', 'favoured'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'contacts',
      columns: [
        col.id(),
        col.ref('account_id'),
        col.str('name', 200),
        col.str('email', 191),
        col.str('phone', 50, { isNullable: true }),
        col.time('created_at'),
      ],
      indices: [new TableIndex({ name: 'ix_contacts_account', columnNames: ['account_id'] })],
      foreignKeys: [{ columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'] }],
    }));

    // Type-ahead search: every suffix of every word of an account's name and
    // its contacts' names, emails and phone digits. A substring query becomes
    // an indexed prefix range scan (`term LIKE 'abc%'`) instead of a full scan.
    await q.createTable(new Table({
      name: 'account_search_terms',
      columns: [
        { ...col.ref('account_id'), isPrimary: true },
        { ...col.str('term', 100), isPrimary: true },
      ],
      indices: [new TableIndex({ name: 'ix_account_search_terms_term', columnNames: ['term', 'account_id'] })],
    }));

    await q.createTable(new Table({
      name: 'point_balances',
      columns: [
        { ...col.ref('account_id'), isPrimary: true },
        col.int('balance', { default: 0 }),
        col.time('updated_at'),
      ],
      foreignKeys: [{ columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'] }],
    }));

    await q.createTable(new Table({
      name: 'ledger_entries',
      columns: [
        col.id(),
        col.ref('account_id'),
        col.int('delta'),
        col.int('balance_after'),
        col.str('kind', 16),
        col.str('reason', 500),
        col.ref('ticket_id', true),
        col.ref('purchase_id', true),
        col.ref('letter_id', true),
        col.ref('actor_id', true),
        col.str('idempotency_key', 191, { isNullable: true }),
        col.time('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'ix_ledger_account_id', columnNames: ['account_id', 'id'] }),
        new TableIndex({ name: 'ix_ledger_ticket', columnNames: ['ticket_id'] }),
        new TableIndex({ name: 'uq_ledger_idempotency_key', columnNames: ['idempotency_key'], isUnique: true }),
      ],
      foreignKeys: [{ columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'] }],
    }));

    await q.createTable(new Table({
      name: 'policies',
      columns: [
        { ...col.int('id'), isPrimary: true },
        col.str('chargeable_channels', 100),
        col.int('default_incident_points'),
        col.int('provider_fault_bonus_points'),
        col.int('low_balance_threshold'),
        col.int('per_incident_fee_cents'),
        col.str('currency', 3),
        col.str('on_shortfall', 16),
        col.date('enforce_from'),
        col.time('updated_at'),
      ],
    }));
    // The defaults of API.md. Datetimes as 'YYYY-MM-DD HH:MM:SS.mmm' UTC, the format TypeORM stores on both databases.
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await q.query(
      'INSERT INTO policies (id, chargeable_channels, default_incident_points, provider_fault_bonus_points, ' +
        'low_balance_threshold, per_incident_fee_cents, currency, on_shortfall, enforce_from, updated_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [1, 'phone', 1, 0, 1, 7500, 'USD', 'fee', null, now],
    );

    await q.createTable(new Table({
      name: 'incident_types',
      columns: [
        col.id(),
        col.str('code', 50),
        col.str('name', 200),
        col.int('points'),
        col.bool('active', true),
        col.time('created_at'),
      ],
      indices: [new TableIndex({ name: 'uq_incident_types_code', columnNames: ['code'], isUnique: true })],
    }));

    await q.createTable(new Table({
      name: 'tickets',
      columns: [
        col.id(),
        col.ref('account_id'),
        col.str('channel', 16),
        col.str('priority', 16),
        col.str('subject', 200),
        col.text('description'),
        col.ref('incident_type_id', true),
        col.str('fault', 16),
        col.str('status', 16),
        col.str('charge_kind', 16),
        col.int('charge_points', { default: 0 }),
        col.int('charge_fee_cents', { default: 0 }),
        col.int('bonus_points', { default: 0 }),
        col.int('charge_version', { default: 0 }),
        col.ref('created_by_id', true),
        col.time('created_at'),
        col.time('resolved_at', true),
        col.text('resolution'),
      ],
      indices: [
        new TableIndex({ name: 'ix_tickets_account_id', columnNames: ['account_id', 'id'] }),
        new TableIndex({ name: 'ix_tickets_status', columnNames: ['status', 'id'] }),
        new TableIndex({ name: 'ix_tickets_created_at', columnNames: ['created_at'] }),
      ],
      foreignKeys: [{ columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'] }],
    }));

    await q.createTable(new Table({
      name: 'audit_log',
      columns: [
        col.id(),
        col.ref('actor_id', true),
        col.str('action', 64),
        col.str('entity_type', 32),
        col.str('entity_id', 64),
        col.text('reason'),
        col.text('before'),
        col.text('after'),
        col.time('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'ix_audit_entity', columnNames: ['entity_type', 'entity_id'] }),
        new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor_id'] }),
        new TableIndex({ name: 'ix_audit_created_at', columnNames: ['created_at'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'idempotency_keys',
      columns: [
        col.id(),
        col.ref('user_id'),
        col.str('idem_key', 100),
        col.str('request_hash', 64),
        col.str('state', 16),
        col.int('response_status', { isNullable: true }),
        col.text('response_body'),
        col.time('created_at'),
      ],
      indices: [new TableIndex({ name: 'uq_idempotency_user_key', columnNames: ['user_id', 'idem_key'], isUnique: true })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'idempotency_keys', 'audit_log', 'tickets', 'incident_types', 'policies', 'ledger_entries',
      'point_balances', 'account_search_terms', 'contacts', 'accounts', 'users',
    ]) {
      await q.dropTable(t);
    }
  }
}
