import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique, IsArray, IsIn, IsInt, IsISO4217CurrencyCode, IsOptional, Matches, Max, Min, ValidateIf,
} from 'class-validator';
import { Channel, CHANNELS } from '../policy.types';

export class UpdatePolicyDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, example: ['phone'] })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(CHANNELS, { each: true, message: `each value in chargeableChannels must be one of: ${CHANNELS.join(', ')}` })
  chargeableChannels?: Channel[];

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  defaultIncidentPoints?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  providerFaultBonusPoints?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000 })
  @IsOptional() @IsInt() @Min(0) @Max(10000)
  lowBalanceThreshold?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(100_000_000)
  perIncidentFeeCents?: number;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional() @IsISO4217CurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ enum: ['fee', 'block'] })
  @IsOptional() @IsIn(['fee', 'block'])
  onShortfall?: 'fee' | 'block';

  @ApiPropertyOptional({ nullable: true, example: '2027-01-01', description: 'Before this date charging runs in shadow mode' })
  @ValidateIf((o: UpdatePolicyDto) => o.enforceFrom !== null && o.enforceFrom !== undefined)
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'enforceFrom must be a date YYYY-MM-DD or null' })
  enforceFrom?: string | null;
}
