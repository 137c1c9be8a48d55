import { ApiProperty } from '@nestjs/swagger';
import { AudienceDto } from '../../segments/dto/audience.dto';

export class GrantBatchAccounts {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'granted' }) done: number;
  @ApiProperty({ description: 'closed since the grant started: nothing granted' }) skipped: number;
  @ApiProperty() pending: number;
}

export class GrantBatchView {
  @ApiProperty() id: string;
  @ApiProperty({ type: AudienceDto }) audience: AudienceDto;
  @ApiProperty({ description: 'the audience in words' }) audienceText: string;
  @ApiProperty({ description: 'points per account' }) points: number;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: ['running', 'done'] }) status: 'running' | 'done';
  @ApiProperty({ type: GrantBatchAccounts }) accounts: GrantBatchAccounts;
  @ApiProperty({ description: 'points granted so far' }) pointsGranted: number;
  @ApiProperty() createdById: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt: string | null;
}

export class GrantBatchList {
  @ApiProperty({ type: [GrantBatchView] }) items: GrantBatchView[];
  @ApiProperty() total: number;
}
