import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Not, Repository } from 'typeorm';
import { UserInvitationEntity } from './user-invitation.entity';
import { UserEntity } from './user.entity';

/** Per user: whether an invitation was ever accepted, and the newest one. */
export interface InvitationState {
  accepted: boolean;
  latest: UserInvitationEntity | null;
}

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    @InjectRepository(UserInvitationEntity) private readonly invitations: Repository<UserInvitationEntity>,
  ) {}

  findByEmail(email: string, em?: EntityManager): Promise<UserEntity | null> {
    return (em ?? this.repo.manager).findOne(UserEntity, { where: { email: email.toLowerCase() } });
  }

  findById(id: number, em?: EntityManager): Promise<UserEntity | null> {
    return (em ?? this.repo.manager).findOne(UserEntity, { where: { id } });
  }

  /**
   * The user row, locked until the transaction ends on MySQL, so
   * re-invitations and accepted invitations of one user run one after the
   * other (SQLite runs one transaction at a time).
   */
  findByIdForUpdate(em: EntityManager, id: number, lock: boolean): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  findPage(limit: number, offset: number): Promise<[UserEntity[], number]> {
    return this.repo.findAndCount({ order: { id: 'ASC' }, take: limit, skip: offset });
  }

  findStaff(): Promise<UserEntity[]> {
    return this.repo.find({ where: { role: Not('client') }, order: { name: 'ASC', id: 'ASC' } });
  }

  findClientsOf(accountId: number): Promise<UserEntity[]> {
    return this.repo.find({ where: { role: 'client', accountId }, order: { name: 'ASC', id: 'ASC' } });
  }

  async update(em: EntityManager, id: number, patch: Partial<UserEntity>): Promise<void> {
    await em.update(UserEntity, { id }, patch);
  }

  async insert(em: EntityManager, user: Omit<UserEntity, 'id'>): Promise<UserEntity> {
    const r = await em.insert(UserEntity, user);
    return { ...user, id: Number(r.identifiers[0].id) };
  }

  async insertInvitation(em: EntityManager, row: Omit<UserInvitationEntity, 'id'>): Promise<UserInvitationEntity> {
    const r = await em.insert(UserInvitationEntity, row);
    return { ...row, id: Number(r.identifiers[0].id) };
  }

  /** Ends every unused, unexpired invitation of the user (its links stop working now); returns how many. */
  async expireOpenInvitations(em: EntityManager, userId: number, now: Date): Promise<number> {
    const r = await em.createQueryBuilder().update(UserInvitationEntity)
      .set({ expiresAt: now })
      .where('user_id = :userId AND used_at IS NULL AND expires_at > :now', { userId, now })
      .execute();
    return r.affected ?? 0;
  }

  /** Invitation state per user id (users never invited are absent). */
  async invitationStates(userIds: number[]): Promise<Map<number, InvitationState>> {
    if (userIds.length === 0) return new Map();
    return statesOf(await this.invitations.find({ where: { userId: In(userIds) }, order: { id: 'ASC' } }));
  }

  /**
   * One user's invitation state (null if never invited) by a locking read
   * on MySQL (FOR UPDATE): it reads the newest committed rows, where a plain
   * read inside a REPEATABLE READ transaction answers from the snapshot the
   * transaction started with.
   */
  async invitationStateForUpdate(em: EntityManager, userId: number, lock: boolean): Promise<InvitationState | null> {
    const rows = await em.find(UserInvitationEntity, {
      where: { userId }, order: { id: 'ASC' }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return statesOf(rows).get(userId) ?? null;
  }

  /** An invitation that can still be used: known, unused and not expired at `now`. */
  findUsableInvitation(tokenHash: string, now: Date, em?: EntityManager): Promise<UserInvitationEntity | null> {
    return (em ?? this.invitations.manager).createQueryBuilder(UserInvitationEntity, 'i')
      .where('i.token_hash = :tokenHash AND i.used_at IS NULL AND i.expires_at > :now', { tokenHash, now })
      .getOne();
  }

  findInvitationByHash(em: EntityManager, tokenHash: string): Promise<UserInvitationEntity | null> {
    return em.findOne(UserInvitationEntity, { where: { tokenHash } });
  }

  /**
   * Marks the invitation used, only if it still can be: the condition is
   * checked by the UPDATE itself, so of two concurrent uses exactly one wins.
   */
  async useInvitation(em: EntityManager, tokenHash: string, now: Date): Promise<boolean> {
    const r = await em.createQueryBuilder().update(UserInvitationEntity)
      .set({ usedAt: now })
      .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now', { tokenHash, now })
      .execute();
    return r.affected === 1;
  }
}

/** Per user, from their invitation rows in id order: accepted if any was used; the newest one. */
function statesOf(rows: UserInvitationEntity[]): Map<number, InvitationState> {
  const out = new Map<number, InvitationState>();
  for (const r of rows) {
    const s = out.get(r.userId) ?? { accepted: false, latest: null };
    out.set(r.userId, { accepted: s.accepted || r.usedAt !== null, latest: r });
  }
  return out;
}
