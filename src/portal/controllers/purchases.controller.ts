import { Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { PurchasesService } from '../../purchases/purchases.service';
import { PortalController } from '../session/portal-controller.decorator';
import { PortalCookies } from '../session/portal-cookies';
import { Client, PortalUser } from '../session/portal-user';
import { cardReturnNote, offsetParam, paymentRow, pager, purchaseRow, refusalText } from '../view-models';

const PURCHASES_LIMIT = 25;

/**
 * The client's purchases: paying (card through Stripe Checkout, or by
 * invoice and bank transfer), cancelling while nothing is paid, and the
 * printable invoice. PurchasesService decides what the client may see and do:
 * another account's purchase is "not found".
 */
@PortalController('purchases')
export class PortalPurchasesController {
  constructor(
    private readonly purchases: PurchasesService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get()
  @Render('portal/purchases')
  async list(@Client() client: PortalUser, @Query('offset') rawOffset: unknown) {
    const offset = offsetParam(rawOffset);
    const found = await this.purchases.listForAccount(client.actor, client.actor.accountId, PURCHASES_LIMIT, offset);
    return {
      title: 'Purchases', nav: 'purchases', purchases: found.items.map(purchaseRow),
      pager: pager(offset, found.items.length, found.total, PURCHASES_LIMIT),
    };
  }

  @Get(':id')
  @Render('portal/purchase')
  async purchase(@IdParam('id', 'purchase') id: number, @Client() client: PortalUser, @Query('card') card: unknown) {
    const p = await this.purchases.get(client.actor, id);
    const row = purchaseRow(p);
    return {
      title: `Purchase ${p.invoiceNumber}`, nav: 'purchases', purchase: row,
      payments: p.payments.map((pay) => paymentRow(pay, p.currency)),
      cardPayments: row.pending && this.purchases.cardPaymentsEnabled,
      bankDetails: this.purchases.bankDetails,
      cardNote: cardReturnNote(card, row.pending),
    };
  }

  /** Pay by card: Stripe Checkout for what is still due; the payment itself arrives by webhook. */
  @Post(':id/card')
  async payByCard(@IdParam('id', 'purchase') id: number, @Client() client: PortalUser, @Res() res: Response): Promise<void> {
    try {
      const { url } = await this.purchases.checkout(client.actor, id);
      res.redirect(303, url);
    } catch (err) {
      this.refused(res, id, err);
    }
  }

  @Post(':id/cancel')
  async cancel(@IdParam('id', 'purchase') id: number, @Client() client: PortalUser, @Res() res: Response): Promise<void> {
    try {
      const p = await this.purchases.cancel(client.actor, id);
      this.cookies.setFlash(res, { kind: 'success', text: `Purchase ${p.invoiceNumber} cancelled. Nothing is due for it.` });
      res.redirect(303, `/portal/purchases/${id}`);
    } catch (err) {
      this.refused(res, id, err);
    }
  }

  /** The printable invoice, as the service renders it (a standalone HTML page). */
  @Get(':id/invoice')
  async invoice(@IdParam('id', 'purchase') id: number, @Client() client: PortalUser, @Res() res: Response): Promise<void> {
    const html = await this.purchases.invoiceHtml(client.actor, id);
    res.type('html').send(html);
  }

  /** A refusal (already paid, card payments off, provider down…) as a message on the purchase page; "not found" stays a 404. */
  private refused(res: Response, id: number, err: unknown): void {
    if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
    this.cookies.setFlash(res, { kind: 'error', text: refusalText(err) });
    res.redirect(303, `/portal/purchases/${id}`);
  }
}
