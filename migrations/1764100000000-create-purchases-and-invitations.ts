import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../src/common/database/columns';

/**
 * Purchases of bundles with their payments, the invoice-number counter, the
 * Stripe Checkout sessions opened and events already handled, and one-time
 * invitations for client users.
 */
export class CreatePurchasesAndInvitations1764100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'purchases',
      columns: [
        col.id(),
        col.str('invoice_number', 32),
        col.ref('account_id'),
        col.ref('bundle_id'),
        // The invoice line as sold ("Buy 5 get 6"); a later rename of the bundle does not change it.
        col.str('description', 200),
        col.int('quantity'),
        col.int('points'),
        col.int('amount_cents'),
        col.int('paid_cents', { default: 0 }),
        col.str('currency', 3),
        col.str('status', 16),
        col.ref('created_by', true),
        col.time('created_at'),
        col.time('paid_at', true),
        col.time('cancelled_at', true),
      ],
      indices: [
        new TableIndex({ name: 'uq_purchases_invoice_number', columnNames: ['invoice_number'], isUnique: true }),
        new TableIndex({ name: 'ix_purchases_account', columnNames: ['account_id', 'id'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'purchase_payments',
      columns: [
        col.id(),
        col.ref('purchase_id'),
        col.int('amount_cents'),
        col.str('method', 20),
        col.str('reference', 200, { isNullable: true }),
        // The payment provider's id for money taken online (a Stripe payment
        // intent): unique, so one payment is never recorded twice, whatever
        // events arrive for it.
        col.str('external_id', 191, { isNullable: true }),
        col.ref('actor_id', true),
        // false: card money that arrived for a purchase that could no longer take it
        // (cancelled, or paid meanwhile by other means). Kept, visible, to be refunded; not in paid_cents.
        col.bool('applied', true),
        col.time('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'ix_purchase_payments_purchase', columnNames: ['purchase_id', 'id'] }),
        new TableIndex({ name: 'ix_purchase_payments_created', columnNames: ['created_at'] }),
        new TableIndex({ name: 'uq_purchase_payments_external', columnNames: ['external_id'], isUnique: true }),
      ],
    }));

    // The Stripe Checkout sessions this app opened: only their payments are
    // booked, for the amount they were opened for, and a purchase is not
    // cancelled while one of them may still be paid.
    await q.createTable(new Table({
      name: 'card_checkouts',
      columns: [
        col.str('session_id', 191, { isPrimary: true }),
        col.ref('purchase_id'),
        col.int('amount_cents'),
        col.str('currency', 3),
        col.str('status', 16),
        col.time('created_at'),
        col.time('expires_at'),
      ],
      indices: [new TableIndex({ name: 'ix_card_checkouts_purchase', columnNames: ['purchase_id', 'status'] })],
    }));

    // One row per numbering sequence; see PurchasesRepository.nextInvoiceNumber.
    await q.createTable(new Table({
      name: 'invoice_counters',
      columns: [
        col.str('name', 32, { isPrimary: true }),
        col.int('last_number'),
      ],
    }));
    await q.query('INSERT INTO invoice_counters (name, last_number) VALUES (?, 0)', ['invoice']);

    // Stripe delivers events at least once; a handled event id is stored so a replay changes nothing.
    await q.createTable(new Table({
      name: 'stripe_events',
      columns: [
        col.str('id', 191, { isPrimary: true }),
        col.str('type', 100),
        col.ref('purchase_id', true),
        col.time('received_at'),
      ],
    }));

    await q.createTable(new Table({
      name: 'user_invitations',
      columns: [
        col.id(),
        col.ref('user_id'),
        // SHA-256 of the token in the emailed link. The token itself is kept only in the invitation
        // email's body in the outbox (notifications), never shown, and only until the email is sent.
        col.str('token_hash', 64),
        col.time('expires_at'),
        col.time('used_at', true),
        col.ref('created_by', true),
        col.time('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'uq_user_invitations_token', columnNames: ['token_hash'], isUnique: true }),
        new TableIndex({ name: 'ix_user_invitations_user', columnNames: ['user_id'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_invitations');
    await q.dropTable('stripe_events');
    await q.dropTable('invoice_counters');
    await q.dropTable('card_checkouts');
    await q.dropTable('purchase_payments');
    await q.dropTable('purchases');
  }
}
