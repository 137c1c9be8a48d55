import { Body, Get, Post, Render, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { AccountError } from '../../accounts/accounts.errors';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { CreatePurchaseDto, RecordPaymentDto } from '../../purchases/dto/purchase.dto';
import { PurchasesService } from '../../purchases/purchases.service';
import { AccountPages, SellValues } from '../account-pages';
import { formatMoney, paymentOutcomeText, points } from '../format';
import { amount, currencyDigits, FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text, validateForm } from '../forms';
import { PaymentValues, PurchasePageModel, PurchasePages } from '../purchase-pages';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { isHtmx } from '../session/console-session.middleware';
import { ConsoleUser, Staff } from '../session/console-user';

/** The payment form's one-time key (a UUID from PurchasePages). */
const FORM_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Selling bundles and taking the money: an agent sells a bundle from the
 * account page (a pending purchase with an invoice number), a manager records
 * payments on the purchase page until it is paid — the payment that
 * completes it adds the points — or cancels it. PurchasesService decides
 * everything; this turns forms into its input and its answers into messages.
 */
@ConsoleController()
export class ConsolePurchasesController {
  constructor(
    private readonly purchases: PurchasesService,
    private readonly accountPages: AccountPages,
    private readonly pages: PurchasePages,
    private readonly cookies: ConsoleCookies,
  ) {}

  /** "Sell a bundle" on the account page: a pending purchase, then its page (where the payment is recorded). */
  @Post('accounts/:id/purchases')
  async sell(@IdParam('id', 'account') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values: SellValues = { bundleId: text(body, 'bundleId'), quantity: text(body, 'quantity') };
    const fail = async (errors: FieldErrors, alert?: string) =>
      sendView(res, 'console/account', await this.accountPages.page(user, id, {}, { sell: { values, errors, alert } }), FORM_REJECTED);
    const quantity = integer(body, 'quantity');
    const { value, errors } = await validateForm(CreatePurchaseDto, { bundleId: values.bundleId, quantity: quantity ?? 1 }, { bundleId: 'Bundle', quantity: 'Quantity' });
    if (errors || Number.isNaN(quantity)) {
      const all: FieldErrors = { ...errors };
      if (all.bundleId) all.bundleId = 'Choose a bundle from the list';
      if (all.quantity) all.quantity = 'Quantity must be a whole number from 1 to 100';
      return fail(all);
    }
    try {
      const p = await this.purchases.create(user.actor, id, value);
      this.cookies.setFlash(res, {
        kind: 'success',
        text: `Purchase ${p.invoiceNumber} created: ${p.description} × ${p.quantity}, ${points(p.points)} for ${formatMoney(p.amountCents, p.currency)}. ` +
          'The points are added once it is paid in full.',
      });
      res.redirect(303, `/console/purchases/${p.id}`);
    } catch (err) {
      if (!(err instanceof DomainError) || (err instanceof AccountError && err.code === 'NOT_FOUND')) throw err;
      switch (err.code) {
        // The bundle: unknown, or no longer on sale since the page was loaded.
        case 'NOT_FOUND': return fail({ bundleId: 'Choose a bundle from the list' });
        case 'NOT_ON_SALE': return fail({ bundleId: 'This bundle is not on sale today; choose another' });
        // Too many of an expensive bundle for one purchase.
        case 'INVALID': return fail({ quantity: 'Quantity is too large for one purchase; sell it as several purchases' });
        default: return fail({}, err.message);
      }
    }
  }

  @Get('purchases/:id')
  @Render('console/purchase')
  purchase(@IdParam('id', 'purchase') id: number, @Staff() user: ConsoleUser): Promise<PurchasePageModel> {
    return this.pages.page(user, id);
  }

  /** The printable invoice, as the API serves it. */
  @Get('purchases/:id/invoice')
  async invoice(@IdParam('id', 'purchase') id: number, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const html = await this.purchases.invoiceHtml(user.actor, id);
    res.type('text/html; charset=utf-8').send(html);
  }

  @Post('purchases/:id/payments')
  @ConsoleRole('manager')
  async pay(@IdParam('id', 'purchase') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const before = await this.purchases.get(user.actor, id);
    const values: PaymentValues = { amount: text(body, 'amount'), method: text(body, 'method'), reference: text(body, 'reference') };
    const fail = async (errors: FieldErrors, alert?: string) =>
      sendView(res, 'console/purchase', await this.pages.page(user, id, { values, errors, alert }), FORM_REJECTED);
    const cents = amount(body, 'amount', before.currency);
    const { value, errors } = await validateForm(RecordPaymentDto, {
      // A malformed or empty amount is reported below, in money rather than cents.
      amountCents: cents === undefined || Number.isNaN(cents) ? 1 : cents, method: values.method, reference: values.reference || undefined,
    }, { amountCents: 'Amount', method: 'Method', reference: 'Reference' });
    const all: FieldErrors = { ...errors };
    delete all.amountCents;
    if (cents === undefined) all.amount = 'Amount is required';
    else if (Number.isNaN(cents)) all.amount = `Amount must be an amount in ${before.currency} such as ${(375).toFixed(currencyDigits(before.currency))}`;
    else if (cents < 1) all.amount = 'Amount must be more than zero';
    else if (errors?.amountCents) all.amount = `Amount must be at most ${formatMoney(1_000_000_000, before.currency)}`;
    if (all.method) all.method = 'Choose how the money was paid';
    if (Object.keys(all).length > 0) return fail(all);
    try {
      const key = text(body, 'paymentKey');
      const after = await this.purchases.pay(user.actor, id, { ...value, formKey: FORM_KEY.test(key) ? key : undefined });
      this.cookies.setFlash(res, { kind: 'success', text: paymentOutcomeText(value.amountCents, after) });
      res.redirect(303, `/console/purchases/${id}`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      if (err.code === 'OVERPAYMENT') {
        const now = await this.purchases.get(user.actor, id);
        return fail({ amount: `Amount is more than the ${formatMoney(now.balanceDueCents, now.currency)} still due` });
      }
      return fail({}, err.message);
    }
  }

  /** Cancels a pending purchase (the page asks for confirmation first); no points are ever added for it. */
  @Post('purchases/:id/cancel')
  @ConsoleRole('manager')
  async cancel(@IdParam('id', 'purchase') id: number, @Staff() user: ConsoleUser, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const p = await this.purchases.cancel(user.actor, id);
      this.cookies.setFlash(res, { kind: 'success', text: `Purchase ${p.invoiceNumber} cancelled. No points were added for it.` });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      this.cookies.setFlash(res, { kind: 'error', text: `Not cancelled: ${err.message}` });
    }
    const to = `/console/purchases/${id}`;
    // Sent by htmx (after the browser's confirm dialog): it follows HX-Redirect; a plain form follows the 303.
    if (isHtmx(req)) res.setHeader('HX-Redirect', to).status(204).end();
    else res.redirect(303, to);
  }
}
