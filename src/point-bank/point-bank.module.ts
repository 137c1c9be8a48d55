import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { LedgerRollupScheduler } from './ledger-rollup.scheduler';
import { PointBalanceEntity } from './point-balance.entity';
import { PointBankController } from './point-bank.controller';
import { PointBankRepository } from './point-bank.repository';
import { PointBankService } from './point-bank.service';

@Module({
  imports: [TypeOrmModule.forFeature([PointBalanceEntity, LedgerEntryEntity]), AuditModule],
  controllers: [PointBankController],
  providers: [PointBankRepository, PointBankService, LedgerRollupScheduler],
  exports: [PointBankService],
})
export class PointBankModule {}
