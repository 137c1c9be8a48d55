import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectRepository(IdempotencyKeyEntity) private readonly repo: Repository<IdempotencyKeyEntity>) {}

  /** Claims the key for this request; false when another request already holds it. */
  async claim(em: EntityManager, userId: number, idemKey: string, requestHash: string): Promise<boolean> {
    try {
      await em.insert(IdempotencyKeyEntity, { userId, idemKey, requestHash, state: 'pending', responseStatus: null, responseBody: null, createdAt: new Date() });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  find(userId: number, idemKey: string): Promise<IdempotencyKeyEntity | null> {
    return this.repo.findOne({ where: { userId, idemKey } });
  }

  async complete(em: EntityManager, userId: number, idemKey: string, status: number, body: string): Promise<void> {
    await em.update(IdempotencyKeyEntity, { userId, idemKey }, { state: 'done', responseStatus: status, responseBody: body });
  }

  async release(em: EntityManager, userId: number, idemKey: string): Promise<void> {
    await em.delete(IdempotencyKeyEntity, { userId, idemKey, state: 'pending' });
  }
}
