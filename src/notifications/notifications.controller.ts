import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { parseId } from '../common/database/ids';
import { IdParam } from '../common/http/id-param.pipe';
import { page } from '../common/http/page-query.dto';
import { NotificationQueryDto } from './dto/notification-query.dto';
import { NotificationDetailView, NotificationList, NotificationView } from './dto/notification.view';
import { NotificationsService } from './notifications.service';
import { NoBody } from '../common/http/no-body.dto';

@ApiTags('notifications')
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @ApiOkResponse({ type: NotificationList })
  @Get()
  @Allow('manager', undefined, 'The email outbox, newest first')
  list(@Query() q: NotificationQueryDto) {
    const accountId = q.accountId === undefined ? undefined : parseId(q.accountId) ?? -1;
    const letterId = q.letterId === undefined ? undefined : parseId(q.letterId) ?? -1;
    return this.notifications.list({ accountId, letterId, kind: q.kind, status: q.status, ...page(q) });
  }

  @ApiOkResponse({ type: NotificationDetailView })
  @Get(':id')
  @Allow('manager', undefined, 'One email with its text and HTML body')
  get(@IdParam('id', 'notification') id: number) {
    return this.notifications.get(id);
  }

  @ApiOkResponse({ type: NotificationView })
  @Post(':id/retry')
  @HttpCode(200)
  @Allow('manager', undefined, 'Send a failed email again (not failed → 409)')
  retry(@IdParam('id', 'notification') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.notifications.retry(id, actor);
  }
}
