import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('incident_types')
export class IncidentTypeEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) code: string;
  @Column({ type: 'varchar' }) name: string;
  @Column({ type: 'integer' }) points: number;
  @Column({ type: 'boolean' }) active: boolean;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
