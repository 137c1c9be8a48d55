import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { BooleanQuery } from '../../common/http/boolean-query';
import { IsCalendarDate, IsOptionalNotNull } from '../../common/http/validation';
import { Type } from 'class-transformer';

/**
 * A segment: a filter over active accounts. Every condition given must hold;
 * no condition at all means every active account.
 */
export class AudienceDto {
  @ApiPropertyOptional({ description: 'only favoured (true) or only not favoured (false) accounts' })
  @IsOptionalNotNull() @IsBoolean()
  favoured?: boolean;

  @ApiPropertyOptional({ example: '2024-01-01', description: 'customers since before this date' })
  @IsOptionalNotNull() @IsCalendarDate()
  customerSinceBefore?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000, description: 'at least this many tickets in the last incidentWindowDays days (0: no condition)' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100_000)
  minIncidents?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3660, default: 90, description: 'the window minIncidents counts in' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(3660)
  incidentWindowDays?: number;
}

/** The same filter in a query string (`GET /api/segments/preview?favoured=true&minIncidents=5`), with the points each account would get. */
export class AudienceQueryDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @BooleanQuery() @IsBoolean()
  favoured?: boolean;

  @ApiPropertyOptional({ example: '2024-01-01' })
  @IsOptionalNotNull() @IsCalendarDate()
  customerSinceBefore?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000 })
  @IsOptionalNotNull() @Type(() => Number) @IsInt() @Min(0) @Max(100_000)
  minIncidents?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3660, default: 90 })
  @IsOptionalNotNull() @Type(() => Number) @IsInt() @Min(1) @Max(3660)
  incidentWindowDays?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, default: 0, description: 'points per account, for the total' })
  @IsOptionalNotNull() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  points?: number;
}
