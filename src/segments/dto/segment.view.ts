import { ApiProperty } from '@nestjs/swagger';
import { AccountView } from '../../accounts/dto/account.view';

/** Who a segment holds, before anything is done to it. */
export class SegmentSummaryView {
  @ApiProperty({ description: 'active accounts in the segment' }) accounts: number;
  @ApiProperty({ description: 'their contacts: the emails a letter would send' }) emails: number;
  @ApiProperty({ description: 'accounts with no contact (they get no email)' }) accountsWithoutContacts: number;
  @ApiProperty({ description: 'points per account' }) pointsPerAccount: number;
  @ApiProperty({ description: 'accounts × pointsPerAccount' }) points: number;
  @ApiProperty({ type: [AccountView], description: 'the first accounts by name' }) sample: AccountView[];
}
