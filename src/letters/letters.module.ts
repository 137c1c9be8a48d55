import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointBankModule } from '../point-bank/point-bank.module';
import { SegmentsModule } from '../segments/segments.module';
import { LetterEntity, LetterRecipientEntity } from './letter.entity';
import { LettersController } from './letters.controller';
import { LettersRepository } from './letters.repository';
import { LettersScheduler } from './letters.scheduler';
import { LettersService } from './letters.service';

@Module({
  imports: [TypeOrmModule.forFeature([LetterEntity, LetterRecipientEntity]), AccountsModule, AuditModule, NotificationsModule, PointBankModule, SegmentsModule],
  controllers: [LettersController],
  providers: [LettersRepository, LettersService, LettersScheduler],
  exports: [LettersService],
})
export class LettersModule {}
