import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LettersModule } from '../letters/letters.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { PolicyModule } from '../policy/policy.module';
import { PurchasesModule } from '../purchases/purchases.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Reports and the dashboard: no tables of its own; each figure comes from the module that owns it. */
@Module({
  imports: [AccountsModule, LettersModule, PointBankModule, PolicyModule, PurchasesModule, TicketsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
