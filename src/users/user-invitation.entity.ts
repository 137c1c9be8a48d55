import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A one-time link that lets an invited client user choose a password. Only
 * the SHA-256 of the emailed token is stored, so the table alone opens nothing.
 */
@Entity('user_invitations')
export class UserInvitationEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'user_id', type: 'integer' }) userId: number;
  /** SHA-256 hex of the token in the emailed link. */
  @Column({ name: 'token_hash', type: 'varchar' }) tokenHash: string;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt: Date;
  @Column({ name: 'used_at', type: 'datetime', nullable: true }) usedAt: Date | null;
  @Column({ name: 'created_by', type: 'integer', nullable: true }) createdBy: number | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
