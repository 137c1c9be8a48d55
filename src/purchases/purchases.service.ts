import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { Actor, canSeeAccount, hasStaffRole } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { BundlesService } from '../bundles/bundles.service';
import { idString, parseId } from '../common/database/ids';
import { TransactionService } from '../common/database/transaction.service';
import { Period } from '../common/database/periods';
import { formatMoney } from '../common/money';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationsService } from '../notifications/notifications.service';
import { PointBankService } from '../point-bank/point-bank.service';
import { CheckoutView, PaymentView, PurchaseDetailView, PurchaseView } from './dto/purchase.view';
import { InvoiceRenderer } from './invoice-renderer';
import { PaymentEntity, PaymentMethod, PurchaseEntity } from './purchase.entity';
import { PurchaseError } from './purchases.errors';
import { PurchasesRepository } from './purchases.repository';
import { CardPayment, StripeGateway } from './stripe-gateway';

export { CheckoutView, PaymentView, PurchaseDetailView, PurchaseView };

export interface NewPurchase {
  bundleId: string;
  quantity?: number;
}

export interface NewPayment {
  amountCents: number;
  method: PaymentMethod;
  reference?: string | null;
  /**
   * A key the payment form was rendered with: submitting the same form twice
   * (a double click, a resent POST) records the payment once.
   */
  formKey?: string;
}

/** The most one purchase may cost, in minor units: it keeps amounts inside the INT columns with room to spare. */
export const MAX_PURCHASE_CENTS = 1_000_000_000;

const view = (p: PurchaseEntity): PurchaseView => ({
  id: String(p.id), invoiceNumber: p.invoiceNumber, accountId: String(p.accountId), bundleId: String(p.bundleId),
  description: p.description, quantity: p.quantity, points: p.points, amountCents: p.amountCents, paidCents: p.paidCents,
  balanceDueCents: p.status === 'pending' ? p.amountCents - p.paidCents : 0, currency: p.currency, status: p.status,
  createdAt: p.createdAt.toISOString(), paidAt: p.paidAt ? p.paidAt.toISOString() : null,
  cancelledAt: p.cancelledAt ? p.cancelledAt.toISOString() : null,
});

const paymentView = (p: PaymentEntity): PaymentView => ({
  id: String(p.id), amountCents: p.amountCents, method: p.method, reference: p.reference, actorId: idString(p.actorId),
  applied: p.applied, createdAt: p.createdAt.toISOString(),
});

const invoiceNumber = (n: number) => `INV-${String(n).padStart(6, '0')}`;

/**
 * Bundles bought by accounts, and the money paid for them. Points are
 * credited only for money that has arrived: one `purchase` ledger entry,
 * in the transaction of the payment that completes the amount.
 */
@Injectable()
export class PurchasesService {
  private readonly logger = new Logger(PurchasesService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: PurchasesRepository,
    private readonly accounts: AccountsService,
    private readonly bundles: BundlesService,
    private readonly pointBank: PointBankService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly stripe: StripeGateway,
    private readonly invoices: InvoiceRenderer,
  ) {}

  get cardPaymentsEnabled(): boolean {
    return this.stripe.enabled;
  }

  /** Bank-transfer instructions for paying by invoice (config BILLING_BANK_DETAILS), one line each. */
  get bankDetails(): readonly string[] {
    return this.config.billing.bankDetails;
  }

  /** A pending purchase of a bundle on sale, for an open account the actor may see; price and points are fixed now. */
  /** Money received (payments booked to purchases) per UTC day and currency, for the reports. */
  receivedByDay(p: Period): Promise<{ day: string; currency: string; cents: number }[]> {
    return this.repo.receivedByDay(p);
  }

  async create(actor: Actor, accountId: number, input: NewPurchase): Promise<PurchaseView> {
    const quantity = input.quantity ?? 1;
    const bundleId = parseId(input.bundleId);
    const created = await this.tx.run(undefined, async (em) => {
      await this.accounts.assertOpen(em, actor, accountId);
      if (bundleId === null) throw new PurchaseError('NOT_FOUND', `bundle ${input.bundleId} not found`);
      const bundle = await this.bundles.requireOnSale(bundleId, em);
      const amountCents = bundle.priceCents * quantity;
      if (amountCents === 0) {
        throw new PurchaseError('NOTHING_TO_PAY', `bundle ${bundle.code} has no price, so there is nothing to pay for: grant its points instead`);
      }
      if (amountCents > MAX_PURCHASE_CENTS) {
        throw new PurchaseError('INVALID', `quantity: ${quantity} × ${bundle.code} comes to more than one purchase may cost`);
      }
      const p = await this.repo.insert(em, {
        invoiceNumber: invoiceNumber(await this.repo.nextInvoiceNumber(em)),
        accountId, bundleId, description: bundle.name, quantity, points: bundle.points * quantity,
        amountCents, paidCents: 0, currency: bundle.currency, status: 'pending',
        createdBy: actor.id, createdAt: new Date(), paidAt: null, cancelledAt: null,
      });
      await this.audit.record(em, { actorId: actor.id, action: 'purchase.create', entityType: 'purchase', entityId: p.id, after: view(p) });
      return p;
    });
    this.logger.log(`purchase created id=${created.id} invoice=${created.invoiceNumber} account=${accountId} by=${actor.id}`);
    return view(created);
  }

  async listForAccount(actor: Actor, accountId: number, limit: number, offset: number): Promise<{ items: PurchaseView[]; total: number }> {
    if (!canSeeAccount(actor, accountId) || !(await this.accounts.exists(accountId))) {
      throw new PurchaseError('NOT_FOUND', `account ${accountId} not found`);
    }
    const [rows, total] = await this.repo.findPageForAccount(accountId, limit, offset);
    return { items: rows.map(view), total };
  }

  /** One purchase with its payments; a client sees only its own account's (others are "not found"). */
  async get(actor: Actor, id: number): Promise<PurchaseDetailView> {
    const p = await this.visible(actor, id);
    return { ...view(p), payments: (await this.repo.findPayments(p.id)).map(paymentView) };
  }

  /**
   * Records money received. The payment that completes the amount marks the
   * purchase paid and, in the same transaction, credits its points once,
   * queues the receipt and enrols the account.
   */
  async pay(actor: Actor, id: number, input: NewPayment): Promise<PurchaseView> {
    if (!hasStaffRole(actor, 'manager')) throw new PurchaseError('FORBIDDEN', 'Only managers record payments');
    const externalId = input.formKey ? `form:${input.formKey}` : null;
    const p = await this.tx.run(undefined, (em) =>
      this.applyPayment(em, id, { ...input, externalId, actorId: actor.id }, actor.id));
    this.logger.log(`payment recorded purchase=${id} cents=${input.amountCents} method=${input.method} by=${actor.id} status=${p.status}`);
    return view(p);
  }

  /**
   * Staff may cancel a pending purchase; its own client only while nothing
   * has been paid. Card payment pages still open for it are closed at Stripe
   * first; one that has been paid meanwhile stops the cancellation.
   */
  async cancel(actor: Actor, id: number): Promise<PurchaseView> {
    const staff = hasStaffRole(actor, 'manager');
    if (!staff && actor.role !== 'client') throw new PurchaseError('FORBIDDEN', 'Only managers and the buying client cancel purchases');
    await this.visible(actor, id);
    await this.closeOpenCheckouts(id);
    const p = await this.tx.run(undefined, async (em) => {
      const before = await this.visible(actor, id, em, true);
      if (before.status !== 'pending') throw new PurchaseError('NOT_PENDING', `purchase ${before.invoiceNumber} is ${before.status}`);
      if (!staff && before.paidCents > 0) {
        throw new PurchaseError('ALREADY_PAID_IN_PART', `purchase ${before.invoiceNumber} is partly paid; ask us to cancel it`);
      }
      if (!(await this.repo.cancel(em, id, new Date(), !staff))) throw new Error(`purchase ${id} changed under its row lock`);
      const after = (await this.repo.findById(id, em))!;
      await this.audit.record(em, { actorId: actor.id, action: 'purchase.cancel', entityType: 'purchase', entityId: id, before: view(before), after: view(after) });
      return after;
    });
    this.logger.log(`purchase cancelled id=${id} by=${actor.id}`);
    return view(p);
  }

  /** A Stripe Checkout page for what is still due on a pending purchase. */
  async checkout(actor: Actor, id: number): Promise<CheckoutView> {
    const p = await this.visible(actor, id);
    if (!this.stripe.enabled) throw new PurchaseError('CARD_PAYMENTS_DISABLED', 'Card payments are not set up; pay by invoice');
    if (p.status !== 'pending') throw new PurchaseError('NOT_PENDING', `purchase ${p.invoiceNumber} is ${p.status}`);
    const account = await this.accounts.mailingList(p.accountId);
    if (account?.status !== 'active') throw new PurchaseError('ACCOUNT_CLOSED', `account ${p.accountId} is closed`);
    const portal = `${this.config.publicUrl}/portal/purchases/${p.id}`;
    const amountCents = p.amountCents - p.paidCents;
    const session = await this.stripe.createCheckout({
      purchaseId: p.id, invoiceNumber: p.invoiceNumber, description: `${p.description} × ${p.quantity}`,
      amountCents, currency: p.currency, customerEmail: account.contacts[0]?.email,
      successUrl: `${portal}?card=paid`, cancelUrl: `${portal}?card=cancelled`,
    });
    await this.repo.insertCheckout({
      sessionId: session.sessionId, purchaseId: p.id, amountCents, currency: p.currency, status: 'open',
      createdAt: new Date(), expiresAt: session.expiresAt,
    });
    this.logger.log(`card checkout opened purchase=${p.id} session=${session.sessionId} cents=${amountCents}`);
    return { url: session.url, sessionId: session.sessionId };
  }

  /**
   * A Stripe webhook delivery. The signature is checked on the raw body; the
   * event id is stored, so a replay changes nothing; the payment is keyed by
   * its payment intent, so the two events that report one payment
   * (completed, async_payment_succeeded), in any order, record it once.
   * Money for a purchase that can no longer take it is recorded as not
   * applied, for a refund, and the event is still acknowledged (Stripe would
   * otherwise resend it for days).
   */
  async handleStripeWebhook(rawBody: Buffer | undefined, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
    const event = this.stripe.parseWebhook(rawBody, signature);
    const fresh = await this.tx.run(undefined, async (em) => {
      const isNew = await this.repo.recordStripeEvent(em, {
        id: event.eventId, type: event.eventType, purchaseId: null, receivedAt: new Date(),
      });
      if (isNew && event.payment) {
        const purchaseId = await this.recordCardPayment(em, event.payment);
        if (purchaseId !== null) await this.repo.linkStripeEvent(em, event.eventId, purchaseId);
      }
      return isNew;
    });
    return { received: true, duplicate: !fresh };
  }

  /** The printable invoice as an HTML page. */
  async invoiceHtml(actor: Actor, id: number): Promise<string> {
    const p = await this.visible(actor, id);
    const [payments, buyer] = await Promise.all([this.repo.findPayments(p.id), this.accounts.mailingList(p.accountId)]);
    return this.invoices.render({
      purchase: view(p), payments: payments.map(paymentView),
      buyer: { name: buyer?.name ?? '', contacts: buyer?.contacts ?? [] },
      seller: { name: this.config.mail.companyName, address: this.config.billing.address, bankDetails: this.config.billing.bankDetails },
    });
  }

  /**
   * Books the money of a paid Checkout session this app opened. Money the
   * purchase can no longer take (cancelled, paid meanwhile by transfer, a
   * different amount) is still recorded, as a payment not applied, audited
   * and shown for a refund: card money is never dropped.
   */
  private async recordCardPayment(em: EntityManager, pay: CardPayment): Promise<number | null> {
    const checkout = await this.repo.findCheckout(em, pay.sessionId);
    const tag = `stripe event=${pay.eventId} session=${pay.sessionId} payment=${pay.paymentId} cents=${pay.amountCents}`;
    if (!checkout) {
      // Another integration on the same Stripe account: not a payment for us.
      this.logger.warn(`${tag}: not a checkout session Pointdesk opened; ignored`);
      return null;
    }
    await this.repo.setCheckoutStatus(checkout.sessionId, 'completed', em);
    const p = (await this.repo.findByIdForUpdate(checkout.purchaseId, em, !this.tx.isSqlite))!;
    const payment = { amountCents: pay.amountCents, method: 'card' as const, reference: pay.paymentId, externalId: pay.paymentId, actorId: null };
    const fits = p.status === 'pending' && pay.currency === checkout.currency && pay.amountCents === checkout.amountCents
      && pay.amountCents <= p.amountCents - p.paidCents;
    if (fits) {
      await this.applyPayment(em, p.id, payment, null);
      this.logger.log(`${tag}: card payment recorded for ${p.invoiceNumber}`);
      return p.id;
    }
    if (!(await this.repo.insertPayment(em, { ...payment, purchaseId: p.id, applied: false, createdAt: new Date() }))) return p.id;
    const why = `${p.invoiceNumber} is ${p.status}, ${p.paidCents}/${p.amountCents} ${p.currency} paid; ` +
      `the session was opened for ${checkout.amountCents} ${checkout.currency}, ${pay.amountCents} ${pay.currency} arrived`;
    await this.audit.record(em, {
      actorId: null, action: 'purchase.payment.unapplied', entityType: 'purchase', entityId: p.id,
      reason: `card payment ${pay.paymentId} not applied: ${why}; refund it`, after: { amountCents: pay.amountCents, currency: pay.currency },
    });
    this.logger.warn(`${tag}: NOT applied (${why}); recorded for a refund`);
    return p.id;
  }

  /** Closes every card payment page still open for the purchase, or refuses when one has been paid. */
  private async closeOpenCheckouts(purchaseId: number): Promise<void> {
    for (const c of await this.repo.findOpenCheckouts(purchaseId, new Date())) {
      if ((await this.stripe.expireCheckout(c.sessionId)) === 'complete') {
        throw new PurchaseError('CARD_PAYMENT_IN_PROGRESS', 'A card payment for this purchase has just been made; it will show here in a moment');
      }
      await this.repo.setCheckoutStatus(c.sessionId, 'expired');
    }
  }

  private async applyPayment(
    em: EntityManager, id: number, pay: NewPayment & { externalId: string | null; actorId: number | null }, actorId: number | null,
  ): Promise<PurchaseEntity> {
    const now = new Date();
    // The payment row first: for an external id already recorded (a provider's payment, a form sent twice) it is skipped, and so is everything below.
    const inserted = await this.repo.insertPayment(em, {
      purchaseId: id, amountCents: pay.amountCents, method: pay.method, reference: pay.reference ?? null,
      externalId: pay.externalId, actorId: pay.actorId, applied: true, createdAt: now,
    });
    if (!inserted) return (await this.repo.findById(id, em))!;
    if (!(await this.repo.addPaid(em, id, pay.amountCents))) {
      const p = await this.repo.findById(id, em);
      if (!p) throw new PurchaseError('NOT_FOUND', `purchase ${id} not found`);
      if (p.status !== 'pending') throw new PurchaseError('NOT_PENDING', `purchase ${p.invoiceNumber} is ${p.status}; it takes no more payments`);
      const due = p.amountCents - p.paidCents;
      throw new PurchaseError('OVERPAYMENT', `amountCents: ${pay.amountCents} is more than the ${due} still due on ${p.invoiceNumber}`);
    }
    const completed = await this.repo.markPaid(em, id, now);
    const p = (await this.repo.findById(id, em))!;
    await this.audit.record(em, {
      actorId, action: 'purchase.payment', entityType: 'purchase', entityId: id,
      reason: `${pay.method}${pay.reference ? ` ${pay.reference}` : ''}`,
      before: { paidCents: p.paidCents - pay.amountCents }, after: { paidCents: p.paidCents, status: p.status, amountCents: pay.amountCents },
    });
    if (completed) await this.complete(em, p, actorId);
    return p;
  }

  /** Runs once per purchase, in the transaction that marked it paid. */
  private async complete(em: EntityManager, p: PurchaseEntity, actorId: number | null): Promise<void> {
    const entry = await this.pointBank.credit({
      accountId: p.accountId, points: p.points, kind: 'purchase', reason: `Purchase ${p.invoiceNumber}: ${p.description} × ${p.quantity}`,
      purchaseId: p.id, actorId, idempotencyKey: `purchase:${p.id}`,
    }, em);
    await this.accounts.enrol(em, p.accountId, { actorId, reason: `first paid purchase ${p.invoiceNumber}` });
    const account = await this.accounts.mailingList(p.accountId, em);
    await this.notifications.enqueue(em, (account?.contacts ?? []).map((c) => ({
      kind: 'purchase_receipt' as const,
      accountId: p.accountId,
      to: c.email,
      template: 'purchase-receipt',
      subject: `Receipt for ${p.invoiceNumber}: ${p.points} support points added`,
      data: {
        accountName: account!.name, contactName: c.name, invoiceNumber: p.invoiceNumber, description: p.description,
        quantity: p.quantity, points: p.points, amountText: formatMoney(p.amountCents, p.currency), balance: entry.balanceAfter,
        invoiceUrl: `${this.notifications.portalUrl}/purchases/${p.id}/invoice`,
      },
      dedupeKey: `purchase_receipt:${p.id}:contact:${c.id}`,
    })));
    this.logger.log(`purchase paid id=${p.id} invoice=${p.invoiceNumber} account=${p.accountId} points=${p.points}`);
  }

  /** The purchase if the actor may see it: staff any, a client only its own account's. */
  private async visible(actor: Actor, id: number, em?: EntityManager, lock = false): Promise<PurchaseEntity> {
    const p = lock && em ? await this.repo.findByIdForUpdate(id, em, !this.tx.isSqlite) : await this.repo.findById(id, em);
    if (!p || !canSeeAccount(actor, p.accountId)) throw new PurchaseError('NOT_FOUND', `purchase ${id} not found`);
    return p;
  }
}
