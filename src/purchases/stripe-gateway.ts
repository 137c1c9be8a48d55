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

/** What a paid Checkout Session tells us: which purchase, how much, and the payment's own id. */
export interface CardPayment {
  eventId: string;
  eventType: string;
  purchaseId: number | null;
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
  async createCheckout(r: CheckoutRequest): Promise<{ url: string; sessionId: string }> {
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
      }, { idempotencyKey: `checkout:${r.purchaseId}:${r.amountCents}` });
    } catch (err) {
      this.logger.warn(`stripe checkout failed purchase=${r.purchaseId}: ${(err as Error).message}`);
      throw new PurchaseError('PAYMENT_PROVIDER_FAILED', 'The card payment provider could not be reached; try again in a moment');
    }
    if (!session.url) throw new PurchaseError('PAYMENT_PROVIDER_FAILED', 'The card payment provider returned no payment page');
    return { url: session.url, sessionId: session.id };
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
    const ref = session.metadata?.purchaseId ?? session.client_reference_id ?? '';
    return {
      ...base,
      payment: {
        ...base,
        purchaseId: /^[1-9][0-9]{0,14}$/.test(ref) ? Number(ref) : null,
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
