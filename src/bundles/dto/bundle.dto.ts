import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsCalendarDate, IsCode, IsCurrencyCode, IsOptionalNotNull, IsOptionalOrNull, Trim } from '../../common/http/validation';

export class CreateBundleDto {
  @ApiProperty({ example: 'buy10get12' })
  @IsCode()
  code: string;

  @ApiProperty({ example: 'Buy 10 get 12' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ minimum: 1, maximum: 1000 })
  @IsInt() @Min(1) @Max(1000)
  paidIncidents: number;

  @ApiProperty({ minimum: 0, maximum: 1000 })
  @IsInt() @Min(0) @Max(1000)
  bonusIncidents: number;

  @ApiProperty({ minimum: 0, maximum: 100_000_000, example: 75000 })
  @IsInt() @Min(0) @Max(100_000_000)
  priceCents: number;

  @ApiPropertyOptional({ example: 'USD', description: "defaults to the policy's currency" })
  @IsOptionalNotNull() @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-01' })
  @IsOptionalOrNull() @IsCalendarDate()
  availableFrom?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-31' })
  @IsOptionalOrNull() @IsCalendarDate()
  availableUntil?: string | null;
}

export class UpdateBundleDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsCode()
  code?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @Trim() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(1000)
  paidIncidents?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(1000)
  bonusIncidents?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000_000 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100_000_000)
  priceCents?: number;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptionalNotNull() @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ description: 'false takes the bundle off sale' })
  @IsOptionalNotNull() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes the limit' })
  @IsOptionalOrNull() @IsCalendarDate()
  availableFrom?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes the limit' })
  @IsOptionalOrNull() @IsCalendarDate()
  availableUntil?: string | null;
}
