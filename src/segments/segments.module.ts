import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { TicketsModule } from '../tickets/tickets.module';
import { SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';

@Module({
  imports: [AccountsModule, TicketsModule],
  controllers: [SegmentsController],
  providers: [SegmentsService],
  exports: [SegmentsService],
})
export class SegmentsModule {}
