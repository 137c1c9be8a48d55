import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { InvitationsController } from './invitations.controller';
import { UserInvitationEntity } from './user-invitation.entity';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserInvitationEntity]), AccountsModule, AuditModule, NotificationsModule],
  controllers: [UsersController, InvitationsController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
