import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsCode, IsOptionalNotNull, Trim } from '../../common/http/validation';


export class CreateIncidentTypeDto {
  @ApiProperty({ example: 'how-to' })
  @IsCode()
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
  @IsOptionalNotNull() @IsCode()
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
