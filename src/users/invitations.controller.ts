import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow, Public } from '../auth/roles.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { AcceptInvitationDto, InviteClientDto } from './dto/invitation.dto';
import { InvitationResult, UserView } from './dto/user.view';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api')
export class InvitationsController {
  constructor(private readonly users: UsersService) {}

  @ApiCreatedResponse({ type: InvitationResult })
  @Post('accounts/:id/invitations')
  @HttpCode(201)
  @Idempotent()
  @Allow('manager', undefined, 'Invite a client user of the account by email (409 for an email in use, or a closed account)')
  invite(@IdParam('id', 'account') id: number, @Body() dto: InviteClientDto, @CurrentActor() actor: Actor) {
    return this.users.invite(id, dto, actor);
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Accept an invitation: choose a password with the token from the emailed link — roles: anyone' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: 'The link is no longer valid (unknown, already used or expired)' })
  accept(@Body() dto: AcceptInvitationDto) {
    return this.users.acceptInvitation(dto.token, dto.password);
  }
}
