import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('contacts')
export class ContactEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'account_id', type: 'integer' }) accountId: number;
  @Column({ type: 'varchar' }) name: string;
  @Column({ type: 'varchar' }) email: string;
  @Column({ type: 'varchar', nullable: true }) phone: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
