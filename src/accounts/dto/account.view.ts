import { ApiProperty } from '@nestjs/swagger';
import { AccountStatus, PolicyStatus } from '../account.entity';

export class ContactView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
}

export class AccountView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) customerSince: string | null;
  @ApiProperty() favoured: boolean;
  @ApiProperty({ enum: ['active', 'closed'] }) status: AccountStatus;
  @ApiProperty({ enum: ['legacy', 'notified', 'enrolled'] }) policyStatus: PolicyStatus;
  @ApiProperty() balance: number;
  @ApiProperty({ description: 'balance ≤ the policy\'s lowBalanceThreshold' }) lowBalance: boolean;
  @ApiProperty({ type: [ContactView] }) contacts: ContactView[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) closedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) closeReason: string | null;
}

export class AccountPage {
  @ApiProperty({ type: [AccountView] }) items: AccountView[];
  @ApiProperty() total: number;
}
