import { ApiProperty } from '@nestjs/swagger';

export class IncidentCounts {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'our fault' }) provider: number;
  @ApiProperty({ description: 'client caused' }) client: number;
  @ApiProperty({ description: 'not yet classified' }) undetermined: number;
}

export class PointTotals {
  @ApiProperty({ description: 'taken for client-caused incidents (incident entries)' }) debited: number;
  @ApiProperty({ description: 'given free by managers and letters (grant entries)' }) granted: number;
  @ApiProperty({ description: 'bought (purchase entries)' }) purchased: number;
  @ApiProperty({ description: 'given back when an incident was reclassified (refund entries)' }) refunded: number;
  @ApiProperty({ description: 'goodwill for our own faults (bonus entries)' }) bonus: number;
  @ApiProperty({ description: 'what incidents would have cost before enforcement (shadow mode): not debited' }) waived: number;
  @ApiProperty({ description: 'goodwill taken back on reclassification (reversal entries)' }) reversed: number;
  @ApiProperty({ description: 'net of manual adjustments' }) adjusted: number;
}

export class AccountCounts {
  @ApiProperty() active: number;
  @ApiProperty() closed: number;
  @ApiProperty({ description: 'active accounts at or below the low-balance threshold now' }) lowBalance: number;
}

export class SummaryReport {
  @ApiProperty({ type: String, nullable: true }) from: string | null;
  @ApiProperty({ type: String, nullable: true }) to: string | null;
  @ApiProperty({ type: IncidentCounts, description: 'tickets opened in the period' }) incidents: IncidentCounts;
  @ApiProperty({ type: PointTotals }) points: PointTotals;
  @ApiProperty({ description: 'payments received in the period, in `currency`' }) revenueCents: number;
  @ApiProperty({ description: 'per-incident fees billed for incidents in the period' }) feesCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: AccountCounts, description: 'now' }) accounts: AccountCounts;
}

export class TopAccountRow {
  @ApiProperty() accountId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'tickets in the window' }) incidents: number;
  @ApiProperty() clientCaused: number;
  @ApiProperty({ description: 'points paid for incidents in the window, net of refunds' }) pointsDebited: number;
}

export class MigrationReport {
  @ApiProperty({ description: 'active accounts not yet told of the policy' }) legacy: number;
  @ApiProperty({ description: 'active accounts sent the announcement letter' }) notified: number;
  @ApiProperty({ description: 'active accounts that accepted the terms or paid a purchase' }) enrolled: number;
  @ApiProperty({ description: 'accounts closed since the first letter started going out' }) closedSinceFirstLetter: number;
  @ApiProperty({ description: 'accounts closed before it (all closed accounts while no letter went out)' }) closedBeforeFirstLetter: number;
  @ApiProperty({ type: String, nullable: true, description: 'when the first letter started going out' }) firstLetterAt: string | null;
}
