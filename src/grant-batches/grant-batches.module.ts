import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { SegmentsModule } from '../segments/segments.module';
import { GrantBatchAccountEntity, GrantBatchEntity } from './grant-batch.entity';
import { GrantBatchesController } from './grant-batches.controller';
import { GrantBatchesRepository } from './grant-batches.repository';
import { GrantBatchesScheduler } from './grant-batches.scheduler';
import { GrantBatchesService } from './grant-batches.service';

@Module({
  imports: [TypeOrmModule.forFeature([GrantBatchEntity, GrantBatchAccountEntity]), AccountsModule, AuditModule, PointBankModule, SegmentsModule],
  controllers: [GrantBatchesController],
  providers: [GrantBatchesRepository, GrantBatchesService, GrantBatchesScheduler],
  exports: [GrantBatchesService],
})
export class GrantBatchesModule {}
