import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';

export class LetterPreviewQueryDto {
  @ApiPropertyOptional({ description: 'an account of the audience; the first one by name when left out' })
  @IsOptional() @IsString() @MaxLength(20)
  accountId?: string;
}

export class LetterRecipientQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'done', 'skipped'] })
  @IsOptional() @IsIn(['pending', 'done', 'skipped'])
  status?: 'pending' | 'done' | 'skipped';
}
