import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { dayOf, inPeriod, Period } from '../common/database/periods';
import { execute, executeBuilt, select } from '../common/database/sql';
import { CardCheckoutEntity, CardCheckoutStatus, PaymentEntity, PurchaseEntity, StripeEventEntity } from './purchase.entity';

const INVOICE_SEQUENCE = 'invoice';

@Injectable()
export class PurchasesRepository {
  constructor(@InjectRepository(PurchaseEntity) private readonly purchases: Repository<PurchaseEntity>) {}

  /**
   * The next invoice number, taken from a counter row in the caller's
   * transaction. Duplicates are impossible: the UPDATE locks the row (MySQL)
   * or runs in the one SQLite write transaction, so the next caller waits
   * and reads the committed value; uq_purchases_invoice_number backs this
   * up. We chose a counter over the auto-increment id because a rolled-back
   * purchase gives its number back (auto-increment values are lost on
   * rollback), so the invoice series has no gaps. The price is that purchase
   * creations queue on this row for the few milliseconds their transaction
   * lasts, which is nothing at the rate people buy bundles.
   */
  async nextInvoiceNumber(em: EntityManager): Promise<number> {
    await execute(em, 'UPDATE invoice_counters SET last_number = last_number + 1 WHERE name = ?', [INVOICE_SEQUENCE]);
    const [row] = await select<{ last_number: number | string }>(em, 'SELECT last_number FROM invoice_counters WHERE name = ?', [INVOICE_SEQUENCE]);
    return Number(row.last_number);
  }

  async insert(em: EntityManager, row: Omit<PurchaseEntity, 'id'>): Promise<PurchaseEntity> {
    const r = await em.insert(PurchaseEntity, row);
    return { ...row, id: Number(r.identifiers[0].id) };
  }

  findById(id: number, em?: EntityManager): Promise<PurchaseEntity | null> {
    return (em ?? this.purchases.manager).findOne(PurchaseEntity, { where: { id } });
  }

  /**
   * The purchase row, locked until the transaction ends on MySQL: a read
   * that sees the latest committed state (not the transaction's snapshot)
   * and keeps it until we are done. SQLite runs one transaction at a time.
   */
  findByIdForUpdate(id: number, em: EntityManager, lock: boolean): Promise<PurchaseEntity | null> {
    return em.findOne(PurchaseEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  findPageForAccount(accountId: number, limit: number, offset: number): Promise<[PurchaseEntity[], number]> {
    return this.purchases.findAndCount({ where: { accountId }, order: { id: 'DESC' }, take: limit, skip: offset });
  }

  findPayments(purchaseId: number): Promise<PaymentEntity[]> {
    return this.purchases.manager.find(PaymentEntity, { where: { purchaseId }, order: { id: 'ASC' } });
  }

  /**
   * Records a payment. A payment with an external id that is already
   * recorded is skipped (INSERT IGNORE on its unique index; a concurrent
   * insert of the same id waits for the first and then skips): returns false.
   */
  async insertPayment(em: EntityManager, row: Omit<PaymentEntity, 'id'>): Promise<boolean> {
    const r = await executeBuilt(em, em.createQueryBuilder().insert().into(PaymentEntity).values(row).orIgnore());
    return r.affected > 0;
  }

  /**
   * Adds to paidCents while the purchase is pending and the total stays
   * within the amount: one guarded UPDATE, so concurrent payments apply one
   * after the other (the row lock) and can never add up past the amount.
   */
  async addPaid(em: EntityManager, id: number, amountCents: number): Promise<boolean> {
    const r = await execute(em,
      'UPDATE purchases SET paid_cents = paid_cents + ? WHERE id = ? AND status = ? AND paid_cents + ? <= amount_cents',
      [amountCents, id, 'pending', amountCents]);
    return r.affected === 1;
  }

  /** pending → paid once the payments cover the amount; true for exactly one caller. */
  async markPaid(em: EntityManager, id: number, at: Date): Promise<boolean> {
    const r = await em.createQueryBuilder().update(PurchaseEntity).set({ status: 'paid', paidAt: at })
      .where('id = :id AND status = :pending AND paid_cents = amount_cents', { id, pending: 'pending' }).execute();
    return r.affected === 1;
  }

  /** pending → cancelled; with `onlyUnpaid`, only while nothing has been paid. */
  async cancel(em: EntityManager, id: number, at: Date, onlyUnpaid: boolean): Promise<boolean> {
    const qb = em.createQueryBuilder().update(PurchaseEntity).set({ status: 'cancelled', cancelledAt: at })
      .where('id = :id AND status = :pending', { id, pending: 'pending' });
    if (onlyUnpaid) qb.andWhere('paid_cents = 0');
    return (await qb.execute()).affected === 1;
  }

  /** Money that arrived and was booked (applied payments), per UTC day and currency. */
  async receivedByDay(p: Period): Promise<{ day: string; currency: string; cents: number }[]> {
    const em = this.purchases.manager;
    const w = inPeriod(em, 'pp.created_at', p);
    const rows = await select<{ day: string; currency: string; s: string | number }>(em,
      `SELECT ${dayOf('pp.created_at')} AS day, pu.currency AS currency, SUM(pp.amount_cents) AS s
       FROM purchase_payments pp JOIN purchases pu ON pu.id = pp.purchase_id
       WHERE pp.applied = 1${w.sql} GROUP BY 1, 2`, w.params);
    return rows.map((r) => ({ day: String(r.day), currency: r.currency, cents: Number(r.s) }));
  }

  async insertCheckout(row: CardCheckoutEntity): Promise<void> {
    await this.purchases.manager.insert(CardCheckoutEntity, row);
  }

  findCheckout(em: EntityManager, sessionId: string): Promise<CardCheckoutEntity | null> {
    return em.findOne(CardCheckoutEntity, { where: { sessionId } });
  }

  /** Checkout sessions of the purchase that may still be paid (open and not past their expiry). */
  findOpenCheckouts(purchaseId: number, now: Date): Promise<CardCheckoutEntity[]> {
    return this.purchases.manager.createQueryBuilder(CardCheckoutEntity, 'c')
      .where('c.purchase_id = :purchaseId AND c.status = :open AND c.expires_at > :now', { purchaseId, open: 'open', now })
      .getMany();
  }

  async setCheckoutStatus(sessionId: string, status: CardCheckoutStatus, em?: EntityManager): Promise<void> {
    await (em ?? this.purchases.manager).update(CardCheckoutEntity, { sessionId }, { status });
  }

  async linkStripeEvent(em: EntityManager, eventId: string, purchaseId: number): Promise<void> {
    await em.update(StripeEventEntity, { id: eventId }, { purchaseId });
  }

  /** Remembers a Stripe event id; false when it was already handled (a replay). */
  async recordStripeEvent(em: EntityManager, row: StripeEventEntity): Promise<boolean> {
    const r = await executeBuilt(em, em.createQueryBuilder().insert().into(StripeEventEntity).values(row).orIgnore());
    return r.affected > 0;
  }
}
