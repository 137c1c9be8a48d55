import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { BundlesModule } from '../bundles/bundles.module';
import { GrantBatchesModule } from '../grant-batches/grant-batches.module';
import { IncidentTypesModule } from '../incident-types/incident-types.module';
import { LettersModule } from '../letters/letters.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { PolicyModule } from '../policy/policy.module';
import { PurchasesModule } from '../purchases/purchases.module';
import { ReportsModule } from '../reports/reports.module';
import { SegmentsModule } from '../segments/segments.module';
import { TicketsModule } from '../tickets/tickets.module';
import { UsersModule } from '../users/users.module';
import { AccountPages } from './account-pages';
import { AuditPages } from './audit-pages';
import { ConsoleAccountsController } from './controllers/accounts.controller';
import { ConsoleAuditController } from './controllers/audit.controller';
import { ConsoleBundlesController } from './controllers/bundles.controller';
import { ConsoleCallsController } from './controllers/calls.controller';
import { ConsoleClientUsersController } from './controllers/client-users.controller';
import { ConsoleDashboardController } from './controllers/dashboard.controller';
import { ConsoleGrantsController } from './controllers/grants.controller';
import { ConsoleIncidentTypesController } from './controllers/incident-types.controller';
import { ConsoleLettersController } from './controllers/letters.controller';
import { ConsoleLoginController } from './controllers/login.controller';
import { ConsoleOutboxController } from './controllers/outbox.controller';
import { ConsolePointsController } from './controllers/points.controller';
import { ConsolePolicyController } from './controllers/policy.controller';
import { ConsolePurchasesController } from './controllers/purchases.controller';
import { ConsoleTicketsController } from './controllers/tickets.controller';
import { ConsoleUsersController } from './controllers/users.controller';
import { ConsoleCookies } from './session/console-cookies';
import { ConsoleCsrf } from './session/console-csrf';
import { ConsoleSessionMiddleware } from './session/console-session.middleware';
import { DashboardPages } from './dashboard-pages';
import { GrantPages } from './grant-pages';
import { LetterPages } from './letter-pages';
import { PurchasePages } from './purchase-pages';
import { TicketPages } from './ticket-pages';

const CONTROLLERS = [
  ConsoleLoginController,
  ConsoleAccountsController,
  ConsoleCallsController,
  ConsoleTicketsController,
  ConsolePointsController,
  ConsoleIncidentTypesController,
  ConsoleBundlesController,
  ConsoleOutboxController,
  ConsolePolicyController,
  ConsoleUsersController,
  ConsoleClientUsersController,
  ConsolePurchasesController,
  ConsoleLettersController,
  ConsoleGrantsController,
  ConsoleDashboardController,
  ConsoleAuditController,
];

/**
 * The staff console at /console: server-rendered pages (views/, hbs) with htmx
 * for partial updates. It holds no business rules — controllers validate form
 * input with the API's DTOs, call the same services as the JSON API and build
 * view models.
 */
@Module({
  imports: [
    AuthModule, AccountsModule, PointBankModule, PolicyModule, IncidentTypesModule, TicketsModule, UsersModule, BundlesModule, NotificationsModule,
    PurchasesModule, LettersModule, GrantBatchesModule, SegmentsModule, ReportsModule, AuditModule,
  ],
  controllers: CONTROLLERS,
  providers: [ConsoleCookies, ConsoleCsrf, AccountPages, TicketPages, PurchasePages, LetterPages, GrantPages, DashboardPages, AuditPages],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConsoleSessionMiddleware).forRoutes(...CONTROLLERS);
  }
}
