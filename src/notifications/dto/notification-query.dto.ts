import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, NotificationKind, NotificationStatus } from '../notification.entity';

export class NotificationQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(20)
  accountId?: string;

  @ApiPropertyOptional({ description: 'an announcement letter: its emails' })
  @IsOptional() @IsString() @MaxLength(20)
  letterId?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_KINDS })
  @IsOptional() @IsIn(NOTIFICATION_KINDS)
  kind?: NotificationKind;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional() @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;
}
