import { ApiProperty } from '@nestjs/swagger';
import { AudienceDto } from '../../segments/dto/audience.dto';
import { LETTER_STATUSES, LetterStatus } from '../letter.entity';

export class LetterRecipientCounts {
  @ApiProperty({ description: 'emails of the campaign: one per contact of each account' }) total: number;
  @ApiProperty() sent: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'not yet queued, or queued and not yet sent' }) pending: number;
}

export class LetterView {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: AudienceDto }) audience: AudienceDto;
  @ApiProperty({ description: 'the audience in words' }) audienceText: string;
  @ApiProperty() grantPoints: number;
  @ApiProperty({ enum: LETTER_STATUSES }) status: LetterStatus;
  @ApiProperty({ type: LetterRecipientCounts, description: 'all zero until the letter is sent' }) recipients: LetterRecipientCounts;
  @ApiProperty({ description: 'accounts the letter was sent to (frozen when sending starts), and how many are done' })
  accounts: { total: number; done: number; skipped: number; pending: number };
  @ApiProperty() createdById: string;
  @ApiProperty({ type: String, nullable: true }) approvedById: string | null;
  @ApiProperty({ type: String, nullable: true }) sentById: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: String, nullable: true }) approvedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) sendStartedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when the last email left (status sent)' }) sentAt: string | null;
}

export class LetterList {
  @ApiProperty({ type: [LetterView] }) items: LetterView[];
  @ApiProperty() total: number;
}

export class LetterPreview {
  @ApiProperty() accountId: string;
  @ApiProperty() accountName: string;
  @ApiProperty({ type: String, nullable: true, description: "the account's first contact; null when it has none" }) to: string | null;
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
}

export class LetterRecipientView {
  @ApiProperty() accountId: string;
  @ApiProperty() accountName: string;
  @ApiProperty({ enum: ['pending', 'done', 'skipped'], description: 'done: granted, emails queued, notified; skipped: closed meanwhile' })
  status: 'pending' | 'done' | 'skipped';
  @ApiProperty() emails: number;
  @ApiProperty({ type: String, nullable: true }) processedAt: string | null;
}

export class LetterRecipientList {
  @ApiProperty({ type: [LetterRecipientView] }) items: LetterRecipientView[];
  @ApiProperty() total: number;
}
