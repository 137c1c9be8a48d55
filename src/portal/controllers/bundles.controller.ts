import { Get, Res } from '@nestjs/common';
import { Response } from 'express';
import { BundlesService } from '../../bundles/bundles.service';
import { sendView } from '../../console/forms';
import { PortalController } from '../session/portal-controller.decorator';
import { Client, PortalUser } from '../session/portal-user';
import { bundleCard } from '../view-models';

/** "Buy points": the bundles on sale today (the service shows a client nothing else). */
@PortalController('bundles')
export class PortalBundlesController {
  constructor(private readonly bundles: BundlesService) {}

  @Get()
  async list(@Client() client: PortalUser, @Res() res: Response): Promise<void> {
    await this.render(res, client);
  }

  private async render(res: Response, client: PortalUser, form?: { bundleId: string; quantity: string; error?: string }, status = 200): Promise<void> {
    const onSale = await this.bundles.list(client.actor);
    await sendView(res, 'portal/bundles', { title: 'Buy points', nav: 'bundles', bundles: onSale.items.map((b) => bundleCard(b, form)) }, status);
  }
}
