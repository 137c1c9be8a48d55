import { TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations, so one migration file produces the same
 * schema on MySQL/MariaDB and SQLite. DATETIME(3) keeps milliseconds on
 * MySQL; SQLite stores the same values as text.
 */
export const col = {
  id: (): TableColumnOptions => ({
    name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment',
  }),
  int: (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'integer', ...opts }),
  ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable }),
  str: (name: string, length: number, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name, type: 'varchar', length: String(length), ...opts,
  }),
  text: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  bool: (name: string, dflt: boolean): TableColumnOptions => ({ name, type: 'boolean', default: dflt ? 1 : 0 }),
  date: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'date', isNullable: nullable }),
  time: (name: string, nullable = false): TableColumnOptions => ({
    name, type: 'datetime', precision: 3, isNullable: nullable,
  }),
};
