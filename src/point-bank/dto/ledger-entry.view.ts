import { ApiProperty } from '@nestjs/swagger';
import { LEDGER_KINDS, LedgerKind } from '../ledger-entry.entity';

export class LedgerEntryView {
  @ApiProperty() id: string;
  @ApiProperty() accountId: string;
  @ApiProperty({ description: 'Points added (positive) or removed (negative)' }) delta: number;
  @ApiProperty() balanceAfter: number;
  @ApiProperty({ enum: LEDGER_KINDS }) kind: LedgerKind;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true }) ticketId: string | null;
  @ApiProperty({ type: String, nullable: true }) purchaseId: string | null;
  @ApiProperty({ type: String, nullable: true }) letterId: string | null;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PointsHistory {
  @ApiProperty() balance: number;
  @ApiProperty({ type: [LedgerEntryView], description: 'Newest first' }) items: LedgerEntryView[];
  @ApiProperty() total: number;
}
