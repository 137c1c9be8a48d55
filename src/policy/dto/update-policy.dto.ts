import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique, IsArray, IsIn, IsInt, Max, Min,
} from 'class-validator';
import { IsCalendarDate, IsCurrencyCode, IsOptionalNotNull, IsOptionalOrNull } from '../../common/http/validation';
import { Channel, CHANNELS } from '../policy.types';

export class UpdatePolicyDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, example: ['phone'] })
  @IsOptionalNotNull() @IsArray() @ArrayUnique() @IsIn(CHANNELS, { each: true, message: `each value in chargeableChannels must be one of: ${CHANNELS.join(', ')}` })
  chargeableChannels?: Channel[];

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100)
  defaultIncidentPoints?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100)
  providerFaultBonusPoints?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(10000)
  lowBalanceThreshold?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100_000_000)
  perIncidentFeeCents?: number;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptionalNotNull() @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ enum: ['fee', 'block'] })
  @IsOptionalNotNull() @IsIn(['fee', 'block'])
  onShortfall?: 'fee' | 'block';

  @ApiPropertyOptional({ nullable: true, example: '2027-01-01', description: 'Before this date charging runs in shadow mode' })
  @IsOptionalOrNull() @IsCalendarDate({ message: 'enforceFrom must be a real date written YYYY-MM-DD, or null' })
  enforceFrom?: string | null;
}
