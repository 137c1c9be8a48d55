import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PurchaseError } from './purchases.errors';

export interface CheckoutRequest {
  purchaseId: number;
  invoiceNumber: string;
  description: string;
  amountCents: number;
  currency: string;
  customerEmail?: string;
  successUrl: string;
  cancelUrl: string;
}

/** What a paid Checkout Session tells us: which session, how much, and the payment's own id. */
export interface CardPayment {
  eventId: string;
  eventType: string;
  /** The Checkout Session; only sessions this app opened (card_checkouts) are booked. */
  sessionId: string;
  amountCents: number;
  currency: string;
  /** The payment intent (or, lacking one, the session): one payment however many events mention it. */
  paymentId: string;
}

/** Events that mean a Checkout Session's money has arrived. */
const PAID_EVENTS = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

/**
 * Card payments through Stripe Checkout, with the official SDK. Enabled only
 * when both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set.
 */
@Injectable()
export class StripeGateway {
  private readonly logger = new Logger(StripeGateway.name);
  private readonly stripe: Stripe | null;
  private readonly webhookSecret: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const c = config.stripe;
    this.webhookSecret = c?.webhookSecret ?? null;
    this.stripe = c ? new Stripe(c.secretKey, { maxNetworkRetries: 2, timeout: 20_000, ...apiLocation(c.apiUrl) }) : null;
  }

  get enabled(): boolean {
    return this.stripe !== null;
  }

  /** A hosted Checkout page for the amount due; the webhook records the payment when it is paid. */
  async createCheckout(r: CheckoutRequest): Promise<{ url: string; sessionId: string; expiresAt: Date }> {
    const stripe = this.require();
    let session: Stripe.Checkout.Session;
    try {
      session = await stripe.checkout.sessions.create({
        mode: 'payment',
        client_reference_id: String(r.purchaseId),
        customer_email: r.customerEmail,
        line_items: [{
          quantity: 1,
          price_data: { currency: r.currency.toLowerCase(), unit_amount: r.amountCents, product_data: { name: `${r.description} (invoice ${r.invoiceNumber})` } },
        }],
        metadata: { purchaseId: String(r.purchaseId), invoiceNumber: r.invoiceNumber },
        payment_intent_data: { metadata: { purchaseId: String(r.purchaseId), invoiceNumber: r.invoiceNumber } },
        success_url: r.successUrl,
        cancel_url: r.cancelUrl,
      });
    } catch (err) {
      this.logger.warn(`stripe checkout failed purchase=${r.purchaseId}: ${(err as Error).message}`);
      throw new PurchaseError('PAYMENT_PROVIDER_FAILED', 'The card payment provider could not be reached; try again in a moment');
    }
    if (!session.url) throw new PurchaseError('PAYMENT_PROVIDER_FAILED', 'The card payment provider returned no payment page');
    // Stripe keeps a session payable for 24 hours unless told otherwise.
    const expiresAt = new Date((session.expires_at ?? Math.floor(Date.now() / 1000) + 24 * 3600) * 1000);
    return { url: session.url, sessionId: session.id, expiresAt };
  }

  /**
   * Closes a Checkout session so it can no longer be paid. Answers
   * 'complete' when it was paid (or is being paid) already, 'expired' when
   * it can no longer take money.
   */
  async expireCheckout(sessionId: string): Promise<'expired' | 'complete'> {
    const stripe = this.require();
    try {
      const s = await stripe.checkout.sessions.expire(sessionId);
      return s.status === 'complete' ? 'complete' : 'expired';
    } catch (err) {
      // Not open any more: find out whether it was paid or has expired on its own.
      try {
        const s = await stripe.checkout.sessions.retrieve(sessionId);
        if (s.status === 'complete') return 'complete';
        if (s.status === 'expired') return 'expired';
      } catch {
        // Reported below.
      }
      this.logger.warn(`stripe expire failed session=${sessionId}: ${(err as Error).message}`);
      throw new PurchaseError('PAYMENT_PROVIDER_FAILED', 'The card payment provider could not be reached to close an open card payment; try again in a moment');
    }
  }

  /**
   * Verifies the Stripe-Signature header against the exact raw body and
   * returns the event: a card payment when the event reports money received,
   * else just its id and type (it is acknowledged and ignored).
   */
  parseWebhook(rawBody: Buffer | undefined, signature: string | undefined): { eventId: string; eventType: string; payment: CardPayment | null } {
    const stripe = this.require();
    if (!rawBody || !signature) throw new PurchaseError('BAD_SIGNATURE', 'Stripe-Signature header and body are required');
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret!);
    } catch (err) {
      throw new PurchaseError('BAD_SIGNATURE', `Stripe signature check failed: ${(err as Error).message}`);
    }
    const base = { eventId: event.id, eventType: event.type };
    if (!PAID_EVENTS.has(event.type)) return { ...base, payment: null };
    const session = event.data.object as Stripe.Checkout.Session;
    if (session.payment_status !== 'paid') return { ...base, payment: null };
    const intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    return {
      ...base,
      payment: {
        ...base,
        sessionId: session.id,
        amountCents: session.amount_total ?? 0,
        currency: (session.currency ?? '').toUpperCase(),
        paymentId: intent ?? session.id,
      },
    };
  }

  private require(): Stripe {
    if (!this.stripe) throw new PurchaseError('CARD_PAYMENTS_DISABLED', 'Card payments are not set up (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)');
    return this.stripe;
  }
}

/** host/port/protocol for a local stripe-mock; Stripe's own API otherwise. */
function apiLocation(apiUrl: string | undefined): Partial<Stripe.StripeConfig> {
  if (!apiUrl) return {};
  const u = new URL(apiUrl);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port || (protocol === 'http' ? 80 : 443), protocol };
}
