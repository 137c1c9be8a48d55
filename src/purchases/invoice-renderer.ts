import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney } from '../common/money';
import { NOT_APPLIED_NOTE, PaymentView, PurchaseView } from './dto/purchase.view';

export interface InvoiceData {
  purchase: PurchaseView;
  payments: PaymentView[];
  seller: { name: string; address: readonly string[]; bankDetails: readonly string[] };
  buyer: { name: string; contacts: { name: string; email: string }[] };
}

const STATUS_TEXT: Record<string, string> = { pending: 'Awaiting payment', paid: 'Paid', cancelled: 'Cancelled' };
const METHOD_TEXT: Record<string, string> = { card: 'Card', bank_transfer: 'Bank transfer', cash: 'Cash', check: 'Check', other: 'Other' };

const day = (iso: string) => iso.slice(0, 10);

/**
 * The printable HTML invoice. Handlebars escapes every value (account and
 * contact names come from users); amounts are formatted per currency with
 * Intl.NumberFormat.
 */
@Injectable()
export class InvoiceRenderer {
  private readonly template = Handlebars.create().compile(readFileSync(join(__dirname, 'templates', 'invoice.hbs'), 'utf8'), { strict: true });

  render(d: InvoiceData): string {
    const p = d.purchase;
    const money = (cents: number) => formatMoney(cents, p.currency);
    return this.template({
      ...d,
      issued: day(p.createdAt),
      statusText: STATUS_TEXT[p.status] ?? p.status,
      unitPrice: money(p.amountCents / p.quantity),
      total: money(p.amountCents),
      paid: money(p.paidCents),
      due: money(p.balanceDueCents),
      showBankDetails: p.status === 'pending' && d.seller.bankDetails.length > 0,
      payments: d.payments.map((x) => ({
        date: day(x.createdAt), method: METHOD_TEXT[x.method] ?? x.method, reference: x.reference ?? '',
        amount: `${money(x.amountCents)}${x.applied ? '' : NOT_APPLIED_NOTE}`,
      })),
    });
  }
}
