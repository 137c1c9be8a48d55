import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { BundlesModule } from '../bundles/bundles.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { PolicyModule } from '../policy/policy.module';
import { PurchasesModule } from '../purchases/purchases.module';
import { TicketsModule } from '../tickets/tickets.module';
import { UsersModule } from '../users/users.module';
import { PortalBundlesController } from './controllers/bundles.controller';
import { PortalInvitationsController } from './controllers/invitations.controller';
import { PortalLoginController } from './controllers/login.controller';
import { PortalOverviewController } from './controllers/overview.controller';
import { PortalPurchasesController } from './controllers/purchases.controller';
import { PortalTicketsController } from './controllers/tickets.controller';
import { PortalCookies, PortalCsrf } from './session/portal-cookies';
import { PortalSessionMiddleware } from './session/portal-session.middleware';

const CONTROLLERS = [
  PortalLoginController,
  PortalOverviewController,
  PortalTicketsController,
  PortalBundlesController,
  PortalPurchasesController,
  PortalInvitationsController,
];

/**
 * The client portal at /portal: server-rendered pages for a client contact of
 * one account. No business rules here — controllers call the same services
 * as the JSON API with the client's own actor (so a client only ever sees its
 * own account) and build view models.
 */
@Module({
  imports: [AuthModule, AccountsModule, PointBankModule, PolicyModule, BundlesModule, TicketsModule, UsersModule, PurchasesModule],
  controllers: CONTROLLERS,
  providers: [PortalCookies, PortalCsrf],
})
export class PortalModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PortalSessionMiddleware).forRoutes(...CONTROLLERS);
  }
}
