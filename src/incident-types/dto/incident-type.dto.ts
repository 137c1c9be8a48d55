import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const CODE = /^[a-z0-9][a-z0-9_-]*$/;
const CODE_MSG = 'code must be lowercase letters, digits, "-" or "_"';

export class CreateIncidentTypeDto {
  @ApiProperty({ example: 'how-to' })
  @IsString() @Length(1, 50) @Matches(CODE, { message: CODE_MSG })
  code: string;

  @ApiProperty({ example: 'How-to question answered by the manual' })
  @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsInt() @Min(0) @Max(100)
  points: number;
}

export class UpdateIncidentTypeDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(1, 50) @Matches(CODE, { message: CODE_MSG })
  code?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  points?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  active?: boolean;
}
