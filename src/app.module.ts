import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BundlesModule } from './bundles/bundles.module';
import { DatabaseModule } from './common/database/database.module';
import { dataSourceOptions } from './common/database/data-source-options';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { loggingModule } from './common/logging/logging.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { GrantBatchesModule } from './grant-batches/grant-batches.module';
import { HealthModule } from './health/health.module';
import { LettersModule } from './letters/letters.module';
import { NotificationsModule } from './notifications/notifications.module';
import { IncidentTypesModule } from './incident-types/incident-types.module';
import { PointBankModule } from './point-bank/point-bank.module';
import { PortalModule } from './portal/portal.module';
import { PolicyModule } from './policy/policy.module';
import { PurchasesModule } from './purchases/purchases.module';
import { ReportsModule } from './reports/reports.module';
import { SegmentsModule } from './segments/segments.module';
import { TicketsModule } from './tickets/tickets.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database), autoLoadEntities: true }),
        ...(config.schedulerEnabled ? [ScheduleModule.forRoot()] : []),
        EventEmitterModule.forRoot(),
        DatabaseModule,
        IdempotencyModule,
        AuditModule,
        PolicyModule,
        PointBankModule,
        AccountsModule,
        UsersModule,
        AuthModule,
        IncidentTypesModule,
        TicketsModule,
        BundlesModule,
        NotificationsModule,
        PurchasesModule,
        SegmentsModule,
        GrantBatchesModule,
        LettersModule,
        ReportsModule,
        HealthModule,
        ConsoleModule,
        PortalModule,
      ],
    };
  }
}
