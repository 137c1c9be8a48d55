import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { BundlesModule } from '../bundles/bundles.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { InvoiceRenderer } from './invoice-renderer';
import { CardCheckoutEntity, PaymentEntity, PurchaseEntity, StripeEventEntity } from './purchase.entity';
import { AccountPurchasesController, PurchasesController, StripeWebhookController } from './purchases.controller';
import { PurchasesRepository } from './purchases.repository';
import { PurchasesService } from './purchases.service';
import { StripeGateway } from './stripe-gateway';

@Module({
  imports: [
    TypeOrmModule.forFeature([PurchaseEntity, PaymentEntity, StripeEventEntity, CardCheckoutEntity]),
    AccountsModule, AuditModule, BundlesModule, NotificationsModule, PointBankModule,
  ],
  controllers: [AccountPurchasesController, PurchasesController, StripeWebhookController],
  providers: [PurchasesRepository, PurchasesService, StripeGateway, InvoiceRenderer],
  exports: [PurchasesService],
})
export class PurchasesModule {}
