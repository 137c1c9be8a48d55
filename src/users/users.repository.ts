import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { email: email.toLowerCase() } });
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  findPage(limit: number, offset: number): Promise<[UserEntity[], number]> {
    return this.repo.findAndCount({ order: { id: 'ASC' }, take: limit, skip: offset });
  }

  async update(em: EntityManager, id: number, patch: Partial<UserEntity>): Promise<void> {
    await em.update(UserEntity, { id }, patch);
  }

  async insert(em: EntityManager, user: Omit<UserEntity, 'id'>): Promise<UserEntity> {
    const r = await em.insert(UserEntity, user);
    return { ...user, id: Number(r.identifiers[0].id) };
  }
}
