import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { IncidentTypesModule } from '../incident-types/incident-types.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { PolicyModule } from '../policy/policy.module';
import { TicketEntity } from './ticket.entity';
import { TicketRollupRepository } from './ticket-rollup.repository';
import { TicketRollupScheduler } from './ticket-rollup.scheduler';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

@Module({
  imports: [TypeOrmModule.forFeature([TicketEntity]), AccountsModule, PointBankModule, PolicyModule, IncidentTypesModule, AuditModule],
  controllers: [TicketsController],
  providers: [TicketsRepository, TicketRollupRepository, TicketsService, TicketRollupScheduler],
  exports: [TicketsService],
})
export class TicketsModule {}
