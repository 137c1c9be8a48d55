import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/http/validation';

const CODE = /^[a-z0-9][a-z0-9_-]*$/;
const CODE_MSG = 'code must be lowercase letters, digits, "-" or "_"';

export class CreateIncidentTypeDto {
  @ApiProperty({ example: 'how-to' })
  @IsString() @Length(1, 50) @Matches(CODE, { message: CODE_MSG })
  code: string;

  @ApiProperty({ example: 'How-to question answered by the manual' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsInt() @Min(0) @Max(100)
  points: number;
}

export class UpdateIncidentTypeDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsString() @Length(1, 50) @Matches(CODE, { message: CODE_MSG })
  code?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @Trim() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100)
  points?: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsBoolean()
  active?: boolean;
}
