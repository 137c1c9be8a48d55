import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The stored outcome of a POST made with an Idempotency-Key, replayed on retries. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'user_id', type: 'integer' }) userId: number;
  @Column({ name: 'idem_key', type: 'varchar' }) idemKey: string;
  @Column({ name: 'request_hash', type: 'varchar' }) requestHash: string;
  @Column({ type: 'varchar' }) state: 'pending' | 'done';
  @Column({ name: 'response_status', type: 'integer', nullable: true }) responseStatus: number | null;
  @Column({ name: 'response_body', type: 'text', nullable: true }) responseBody: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt: Date;
}
