import { ApiProperty } from '@nestjs/swagger';
import { Channel, CHANNELS, Policy } from '../policy.types';

export class PolicyView implements Policy {
  @ApiProperty({ enum: CHANNELS, isArray: true }) chargeableChannels: Channel[];
  @ApiProperty() defaultIncidentPoints: number;
  @ApiProperty() providerFaultBonusPoints: number;
  @ApiProperty() lowBalanceThreshold: number;
  @ApiProperty() perIncidentFeeCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: ['fee', 'block'] }) onShortfall: 'fee' | 'block';
  @ApiProperty({ type: String, nullable: true, format: 'date' }) enforceFrom: string | null;
}
