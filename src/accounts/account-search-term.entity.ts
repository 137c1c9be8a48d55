import { Entity, PrimaryColumn } from 'typeorm';

/** One searchable substring start of an account (see search-terms.ts). */
@Entity('account_search_terms')
export class AccountSearchTermEntity {
  @PrimaryColumn({ name: 'account_id', type: 'integer' }) accountId: number;
  @PrimaryColumn({ type: 'varchar' }) term: string;
}
