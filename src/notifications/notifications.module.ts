import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { BundlesModule } from '../bundles/bundles.module';
import { PolicyModule } from '../policy/policy.module';
import { LowBalanceOffers } from './low-balance-offers';
import { MailTemplates } from './mail-templates';
import { MailTransport } from './mail-transport';
import { NotificationEntity } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { OutboxSender } from './outbox-sender';
import { OutboxScheduler } from './outbox.scheduler';

@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), AccountsModule, BundlesModule, PolicyModule],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, MailTemplates, MailTransport, OutboxSender, OutboxScheduler, LowBalanceOffers],
  exports: [NotificationsService, OutboxSender],
})
export class NotificationsModule {}
