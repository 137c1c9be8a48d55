import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Console sessions issued before this moment are no longer valid (set by logging out). */
export class AddUserSessionRevocation1763900000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn({ name: 'sessions_revoked_at', type: 'datetime', precision: 3, isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'sessions_revoked_at');
  }
}
