import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, NotificationKind, NotificationStatus } from '../notification.entity';

export class NotificationView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ type: String, nullable: true }) accountId: string | null;
  @ApiProperty({ example: 'jane@client.example' }) to: string;
  @ApiProperty() subject: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status: NotificationStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: String, nullable: true, description: 'the error of the last failed attempt' }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when a pending email is next tried' }) nextAttemptAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) sentAt: string | null;
}

export class NotificationDetailView extends NotificationView {
  @ApiProperty() bodyText: string;
  @ApiProperty() bodyHtml: string;
}

export class NotificationList {
  @ApiProperty({ type: [NotificationView] }) items: NotificationView[];
  @ApiProperty() total: number;
}
