import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, NotificationKind, NotificationStatus } from '../notification.entity';

export class NotificationView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ type: String, nullable: true }) accountId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the announcement letter it belongs to' }) letterId: string | null;
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
  @ApiProperty({ type: String, nullable: true, description: 'null when bodyHidden' }) bodyText: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null when bodyHidden' }) bodyHtml: string | null;
  @ApiProperty({ description: 'true for an invitation email: its body holds a one-time sign-in link for the invited client and is never shown' })
  bodyHidden: boolean;
}

export class NotificationList {
  @ApiProperty({ type: [NotificationView] }) items: NotificationView[];
  @ApiProperty() total: number;
}
