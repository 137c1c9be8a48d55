import { Body, Get, Param, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { BundlesService } from '../../bundles/bundles.service';
import { DomainError } from '../../common/errors/domain-error';
import { points } from '../../console/format';
import { FORM_REJECTED, FormBody, integer, sendView, text, validateForm } from '../../console/forms';
import { CreatePurchaseDto } from '../../purchases/dto/purchase.dto';
import { PurchasesService } from '../../purchases/purchases.service';
import { PortalController } from '../session/portal-controller.decorator';
import { PortalCookies } from '../session/portal-cookies';
import { Client, PortalUser } from '../session/portal-user';
import { bundleCard, refusalText } from '../view-models';

/** What was typed into one bundle's quantity field, with its message. */
interface BuyForm {
  bundleId: string;
  quantity: string;
  error?: string;
}

/** "Buy points": the bundles on sale today (the service shows a client nothing else), each with a Buy form. */
@PortalController('bundles')
export class PortalBundlesController {
  constructor(
    private readonly bundles: BundlesService,
    private readonly purchases: PurchasesService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get()
  async list(@Client() client: PortalUser, @Res() res: Response): Promise<void> {
    await this.render(res, client);
  }

  /** A pending purchase of the bundle, as POST /api/accounts/:id/purchases makes it; then its page, to pay. */
  @Post(':id/buy')
  async buy(@Param('id') bundleId: string, @Client() client: PortalUser, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const typed = text(body, 'quantity');
    const { value, errors } = await validateForm(CreatePurchaseDto, { bundleId, quantity: integer(body, 'quantity') ?? '' }, { quantity: 'Quantity' });
    if (errors) {
      // One plain rule for every wrong number (class-validator would report NaN against its last check).
      const error = errors.quantity && typed !== '' ? 'Quantity must be a whole number from 1 to 100' : errors.quantity ?? errors.bundleId;
      return this.render(res, client, { bundleId, quantity: typed, error }, FORM_REJECTED);
    }
    try {
      const p = await this.purchases.create(client.actor, client.actor.accountId, value);
      this.cookies.setFlash(res, {
        kind: 'success',
        text: `Purchase ${p.invoiceNumber} created: ${p.description} × ${p.quantity}, ${points(p.points)}. Pay ${this.payBy()}; the points are added when the payment has arrived.`,
      });
      res.redirect(303, `/portal/purchases/${p.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.cookies.setFlash(res, { kind: 'error', text: refusalText(err) });
      res.redirect(303, '/portal/bundles');
    }
  }

  private async render(res: Response, client: PortalUser, form?: BuyForm, status = 200): Promise<void> {
    const onSale = await this.bundles.list(client.actor);
    await sendView(res, 'portal/bundles', {
      title: 'Buy points', nav: 'bundles', payBy: this.payBy(), bundles: onSale.items.map((b) => bundleCard(b, form)),
    }, status);
  }

  /** How a purchase can be paid here: by invoice always, by card when Stripe is set up. */
  private payBy(): string {
    return this.purchases.cardPaymentsEnabled ? 'by card or by invoice' : 'by invoice';
  }
}
