import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'actor_id', type: 'integer', nullable: true }) actorId: number | null;
  @Column({ type: 'varchar' }) action: string;
  @Column({ name: 'entity_type', type: 'varchar' }) entityType: string;
  @Column({ name: 'entity_id', type: 'varchar' }) entityId: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text', nullable: true }) before: string | null;
  @Column({ type: 'text', nullable: true }) after: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
