import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { claimPendingAccounts, countByStatus, markSkipped } from '../common/database/account-batches';
import { fromDbTime } from '../common/database/sql';
import { LetterEntity, LetterRecipientEntity, LetterStatus } from './letter.entity';

const RECIPIENTS = { column: 'letter_id' };
// Rows per INSERT when an audience is frozen: well under SQLite's bound-parameter limit.
const INSERT_CHUNK = 500;

@Injectable()
export class LettersRepository {
  constructor(
    @InjectRepository(LetterEntity) private readonly letters: Repository<LetterEntity>,
    @InjectRepository(LetterRecipientEntity) private readonly recipients: Repository<LetterRecipientEntity>,
  ) {}

  async insert(em: EntityManager, l: Omit<LetterEntity, 'id'>): Promise<number> {
    const r = await em.insert(LetterEntity, l);
    return Number(r.identifiers[0].id);
  }

  findById(id: number, em?: EntityManager): Promise<LetterEntity | null> {
    return (em ?? this.letters.manager).findOne(LetterEntity, { where: { id } });
  }

  findPage(limit: number, offset: number): Promise<[LetterEntity[], number]> {
    return this.letters.findAndCount({ order: { id: 'DESC' }, take: limit, skip: offset });
  }

  /** When the first letter started going out, or null before any did. */
  async firstSendStart(): Promise<Date | null> {
    const row = await this.letters.createQueryBuilder('l').select('MIN(l.send_started_at)', 'first').getRawOne<{ first: Date | string | null }>();
    if (!row?.first) return null;
    return fromDbTime(row.first);
  }

  findByStatus(status: LetterStatus): Promise<LetterEntity[]> {
    return this.letters.find({ where: { status }, order: { id: 'ASC' } });
  }

  async update(em: EntityManager, id: number, patch: Partial<LetterEntity>): Promise<void> {
    await em.update(LetterEntity, { id }, patch);
  }

  /** Moves the letter from one status to the next only if it is still in the first: true when this call moved it. */
  async transition(em: EntityManager, id: number, from: LetterStatus, patch: Partial<LetterEntity> & { status: LetterStatus }): Promise<boolean> {
    const r = await em.createQueryBuilder().update(LetterEntity).set(patch)
      .where('id = :id AND status = :from', { id, from }).execute();
    return r.affected === 1;
  }

  async insertRecipients(em: EntityManager, letterId: number, rows: { accountId: number; emails: number }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await em.createQueryBuilder().insert().into(LetterRecipientEntity)
        .values(rows.slice(i, i + INSERT_CHUNK).map((r) => ({ letterId, ...r, status: 'pending' as const, claim: null, processedAt: null })))
        .updateEntity(false).execute();
    }
  }

  claimRecipients(em: EntityManager, letterId: number, limit: number): Promise<LetterRecipientEntity[]> {
    return claimPendingAccounts(em, LetterRecipientEntity, { ...RECIPIENTS, id: letterId }, limit);
  }

  skipRecipients(em: EntityManager, letterId: number, accountIds: number[]): Promise<void> {
    return markSkipped(em, LetterRecipientEntity, { ...RECIPIENTS, id: letterId }, accountIds);
  }

  async setEmails(em: EntityManager, letterId: number, accountId: number, emails: number): Promise<void> {
    await em.update(LetterRecipientEntity, { letterId, accountId }, { emails });
  }

  accountCounts(letterId: number, em?: EntityManager) {
    return countByStatus(em ?? this.recipients.manager, LetterRecipientEntity, { ...RECIPIENTS, id: letterId });
  }

  /** Emails of the accounts not skipped: the campaign's total. */
  async emailTotal(letterId: number): Promise<number> {
    const row = await this.recipients.createQueryBuilder('r').select('COALESCE(SUM(r.emails), 0)', 'n')
      .where('r.letter_id = :letterId AND r.status <> :skipped', { letterId, skipped: 'skipped' })
      .getRawOne<{ n: number | string }>();
    return Number(row?.n ?? 0);
  }

  findRecipient(letterId: number, accountId: number): Promise<LetterRecipientEntity | null> {
    return this.recipients.findOne({ where: { letterId, accountId } });
  }

  findRecipients(letterId: number, status: LetterRecipientEntity['status'] | undefined, limit: number, offset: number) {
    return this.recipients.findAndCount({
      where: status ? { letterId, status } : { letterId }, order: { id: 'ASC' }, take: limit, skip: offset,
    });
  }
}
