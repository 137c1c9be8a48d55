import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/http/validation';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportFormatQueryDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'csv: text/csv for a spreadsheet' })
  @IsOptional() @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class SummaryQueryDto extends ReportFormatQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'first day (UTC) counted; all time when left out' })
  @IsOptional() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'last day (UTC) counted, inclusive' })
  @IsOptional() @IsCalendarDate()
  to?: string;
}

export class TopAccountsQueryDto extends ReportFormatQueryDto {
  @ApiPropertyOptional({ default: 90, minimum: 1, maximum: 3660, description: 'the last this many days' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3660)
  days?: number;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}
