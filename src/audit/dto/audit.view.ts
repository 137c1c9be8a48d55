import { ApiProperty } from '@nestjs/swagger';

export class AuditView {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ example: 'points.grant' }) action: string;
  @ApiProperty({ example: 'account' }) entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: Object, nullable: true }) before: unknown;
  @ApiProperty({ type: Object, nullable: true }) after: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditView] }) items: AuditView[];
  @ApiProperty() total: number;
}
