import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * accounts.changed_at: when an account, or its contacts, last changed in a
 * way search sees (name, favoured, status, contacts). Each process keeps its
 * account search in memory and reads the rows changed since its last look
 * before every search. Existing rows stay NULL: a process loads every
 * account when it first searches.
 */
export class AddAccountChangedAt1764500000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('accounts', new TableColumn(col.time('changed_at', true)));
    await q.createIndex('accounts', new TableIndex({ name: 'ix_accounts_changed_at', columnNames: ['changed_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('accounts', 'ix_accounts_changed_at');
    await q.dropColumn('accounts', 'changed_at');
  }
}
