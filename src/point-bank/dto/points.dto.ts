import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import { Trim } from '../../common/http/validation';

export class GrantPointsDto {
  @ApiProperty({ minimum: 1, maximum: 10000 })
  @IsInt() @Min(1) @Max(10000)
  points: number;

  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Long-standing customer since 2012' })
  @Trim() @IsString() @Length(3, 500)
  reason: string;
}

export class AdjustPointsDto {
  @ApiProperty({ description: 'Non-zero; negative removes points', example: -2 })
  @IsInt() @NotEquals(0) @Min(-100000) @Max(100000)
  delta: number;

  @ApiProperty({ minLength: 3, maxLength: 500 })
  @Trim() @IsString() @Length(3, 500)
  reason: string;
}
