import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { PurchasesService } from '../purchases/purchases.service';
import { formatMoney } from './format';
import { amountInput, currencyDigits, FieldErrors } from './forms';
import { ConsoleUser } from './session/console-user';
import { Option, paymentMethodOptions, PaymentRow, paymentRows, PurchaseRow, purchaseRow } from './view-models';

export interface PaymentValues { amount: string; method: string; reference: string }

export interface PaymentFormModel {
  values: PaymentValues;
  errors: FieldErrors;
  alert?: string;
  methods: Option[];
  currency: string;
  /** "375.00": what to type, in the purchase's currency. */
  example: string;
  /** Sent back with the form: the same form submitted twice records one payment. */
  key: string;
}

export interface PurchasePageModel {
  title: string;
  purchase: PurchaseRow & { currency: string; paidInPart: boolean };
  account: { id: string; name: string; balance: number };
  payments: PaymentRow[];
  /** Managers record payments on a pending purchase; null for everyone else. */
  payment: PaymentFormModel | null;
  /** Managers may cancel a pending purchase; the text of the confirmation, or null. */
  cancelConfirm: string | null;
  /** A refusal shown when there is no payment form to show it in (the purchase was paid or cancelled meanwhile). */
  alert?: string;
}

/** Builds the purchase page (details, payments, balance due, a manager's payment form) from the services' views. */
@Injectable()
export class PurchasePages {
  constructor(
    private readonly purchases: PurchasesService,
    private readonly accounts: AccountsService,
  ) {}

  async page(user: ConsoleUser, id: number, payment?: { values: PaymentValues; errors: FieldErrors; alert?: string }): Promise<PurchasePageModel> {
    const p = await this.purchases.get(user.actor, id);
    const account = await this.accounts.get(user.actor, Number(p.accountId));
    const pending = p.status === 'pending';
    const row = purchaseRow(p);
    const digits = currencyDigits(p.currency);
    const values = payment?.values ?? { amount: amountInput(p.balanceDueCents, p.currency), method: 'bank_transfer', reference: '' };
    const showForm = user.isManager && pending;
    return {
      title: `Purchase ${p.invoiceNumber}`,
      purchase: { ...row, currency: p.currency, paidInPart: p.paidCents > 0 },
      account: { id: account.id, name: account.name, balance: account.balance },
      payments: paymentRows(p),
      payment: showForm
        ? { values, errors: payment?.errors ?? {}, alert: payment?.alert, methods: paymentMethodOptions(values.method), currency: p.currency, example: (375).toFixed(digits), key: randomUUID() }
        : null,
      cancelConfirm: user.isManager && pending
        ? `Cancel purchase ${p.invoiceNumber} (${row.amount})?` +
          (p.paidCents > 0 ? ` ${formatMoney(p.paidCents, p.currency)} already paid is not refunded automatically.` : '') +
          ' No points are added for a cancelled purchase.'
        : null,
      alert: showForm ? undefined : payment?.alert,
    };
  }
}
