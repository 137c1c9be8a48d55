import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/http/validation';
import { PAYMENT_METHODS, PaymentMethod } from '../purchase.entity';

export class CreatePurchaseDto {
  @ApiProperty({ example: '1' })
  @IsString() @Length(1, 20)
  bundleId: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1 })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(100)
  quantity?: number;
}

export class RecordPaymentDto {
  @ApiProperty({ minimum: 1, maximum: 1_000_000_000, example: 37500 })
  @IsInt() @Min(1) @Max(1_000_000_000)
  amountCents: number;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS, { message: `method must be one of: ${PAYMENT_METHODS.join(', ')}` })
  method: PaymentMethod;

  @ApiPropertyOptional({ example: 'bank ref 2026-11-22/118' })
  @IsOptionalNotNull() @Trim() @IsString() @Length(1, 200)
  reference?: string;
}
