import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { PolicyModule } from '../policy/policy.module';
import { AccountSearchService } from './account-search.service';
import { AccountSearchTermEntity } from './account-search-term.entity';
import { AccountEntity } from './account.entity';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { ContactEntity } from './contact.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, ContactEntity, AccountSearchTermEntity]), PointBankModule, PolicyModule, AuditModule],
  controllers: [AccountsController],
  providers: [AccountsRepository, AccountSearchService, AccountsService],
  exports: [AccountsService],
})
export class AccountsModule {}
