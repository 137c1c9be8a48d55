import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../auth/actor';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar' }) email: string;
  @Column({ type: 'varchar' }) name: string;
  @Column({ type: 'varchar' }) role: Role;
  @Column({ name: 'account_id', type: 'integer', nullable: true }) accountId: number | null;
  @Column({ name: 'password_hash', type: 'varchar' }) passwordHash: string;
  @Column({ type: 'boolean' }) active: boolean;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
  /** Console sessions issued before this are void (logout). */
  @Column({ name: 'sessions_revoked_at', type: 'datetime', nullable: true }) sessionsRevokedAt: Date | null;
}
