import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { Trim } from '../../common/http/validation';
import { AudienceDto } from '../../segments/dto/audience.dto';

export class CreateGrantBatchDto {
  @ApiProperty({ type: AudienceDto, description: 'the segment: only active accounts are ever in it' })
  @IsObject() @ValidateNested() @Type(() => AudienceDto)
  audience: AudienceDto;

  @ApiProperty({ minimum: 1, maximum: 10000, description: 'points granted to each account' })
  @IsInt() @Min(1) @Max(10000)
  points: number;

  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Grandfathered points for long-standing clients' })
  @Trim() @IsString() @Length(3, 500)
  reason: string;
}
