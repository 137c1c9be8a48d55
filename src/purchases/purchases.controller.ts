import { Body, Controller, Get, Headers, HttpCode, Post, Query, RawBodyRequest, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow, Public } from '../auth/roles.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { CreatePurchaseDto, RecordPaymentDto } from './dto/purchase.dto';
import { CheckoutView, PurchaseDetailView, PurchaseList, PurchaseView } from './dto/purchase.view';
import { PurchasesService } from './purchases.service';
import { NoBody } from '../common/http/no-body.dto';

@ApiTags('purchases')
@Controller('api/accounts/:id/purchases')
export class AccountPurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  @ApiCreatedResponse({ type: PurchaseView })
  @Post()
  @HttpCode(201)
  @Idempotent()
  @Allow('agent', 'client', 'Buy a bundle on sale: a pending purchase with an invoice number (bundle not on sale → 409)')
  create(@IdParam() id: number, @Body() dto: CreatePurchaseDto, @CurrentActor() actor: Actor) {
    return this.purchases.create(actor, id, dto);
  }

  @ApiOkResponse({ type: PurchaseList })
  @Get()
  @Allow('agent', 'client', "The account's purchases, newest first")
  list(@IdParam() id: number, @Query() q: PageQueryDto, @CurrentActor() actor: Actor) {
    const p = page(q);
    return this.purchases.listForAccount(actor, id, p.limit, p.offset);
  }
}

@ApiTags('purchases')
@Controller('api/purchases')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  @ApiOkResponse({ type: PurchaseDetailView })
  @Get(':id')
  @Allow('agent', 'client', 'One purchase with its payments')
  get(@IdParam('id', 'purchase') id: number, @CurrentActor() actor: Actor) {
    return this.purchases.get(actor, id);
  }

  @ApiOkResponse({ type: PurchaseView })
  @Post(':id/payments')
  @HttpCode(200)
  @Idempotent()
  @Allow('manager', undefined, 'Record money received; the payment completing the amount credits the points (overpaying → 400, cancelled or paid → 409)')
  pay(@IdParam('id', 'purchase') id: number, @Body() dto: RecordPaymentDto, @CurrentActor() actor: Actor) {
    return this.purchases.pay(actor, id, dto);
  }

  @ApiOkResponse({ type: PurchaseView })
  @Post(':id/cancel')
  @HttpCode(200)
  @Allow('manager', 'client', 'Cancel a pending purchase (its own client only while nothing is paid)')
  cancel(@IdParam('id', 'purchase') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.purchases.cancel(actor, id);
  }

  @ApiOkResponse({ type: CheckoutView })
  @Post(':id/checkout')
  @HttpCode(200)
  @Allow('agent', 'client', 'A Stripe Checkout page for what is due (409 when card payments are not set up)')
  checkout(@IdParam('id', 'purchase') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.purchases.checkout(actor, id);
  }

  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'Printable HTML invoice' })
  @Get(':id/invoice')
  @Allow('agent', 'client', 'The printable invoice (HTML)')
  async invoice(@IdParam('id', 'purchase') id: number, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<string> {
    const html = await this.purchases.invoiceHtml(actor, id);
    // Set only once there is an invoice: errors stay JSON.
    res.type('html');
    return html;
  }
}

/** Stripe's calls to us: authenticated by the signature on the raw body, not by a token. */
@ApiTags('webhooks')
@Controller('api/webhooks')
export class StripeWebhookController {
  constructor(private readonly purchases: PurchasesService) {}

  @Post('stripe')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ description: 'Event accepted (also a replay of one already handled)' })
  stripe(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string | undefined) {
    return this.purchases.handleStripeWebhook(req.rawBody, signature);
  }
}
