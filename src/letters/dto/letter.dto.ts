import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, Length, Max, Min, registerDecorator, ValidateNested, ValidationArguments } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/http/validation';
import { AudienceDto } from '../../segments/dto/audience.dto';
import { MERGE_FIELDS, mergeFieldProblems } from '../merge-fields';

const FIELDS_DOC = `Merge fields: ${MERGE_FIELDS.map((f) => `{{${f}}}`).join(', ')}; any other is refused (400).`;

/** The text may name only the known merge fields, each written as {{name}}. */
function KnownMergeFields(): PropertyDecorator {
  return (target, propertyName) => registerDecorator({
    name: 'knownMergeFields', target: target.constructor, propertyName: propertyName as string,
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || mergeFieldProblems(value).length === 0,
      defaultMessage: (args?: ValidationArguments) => `${args?.property}: ${mergeFieldProblems(String(args?.value)).join('; ')}`,
    },
  });
}

export class CreateLetterDto {
  @ApiProperty({ example: 'New support terms, spring 2027', description: 'for staff: how the letter is listed' })
  @Trim() @IsString() @Length(1, 200)
  title: string;

  @ApiProperty({ example: '{{account.name}}: your support points', description: FIELDS_DOC })
  @Trim() @IsString() @Length(1, 300) @KnownMergeFields()
  subject: string;

  @ApiProperty({ example: 'Dear {{contact.name}},\n\nYou have {{balance}} service points available…', description: FIELDS_DOC })
  @IsString() @Length(1, 20_000) @KnownMergeFields()
  body: string;

  @ApiProperty({ type: AudienceDto, description: 'the segment: only active accounts are ever in it' })
  @IsObject() @ValidateNested() @Type(() => AudienceDto)
  audience: AudienceDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, default: 0, description: 'points granted to each account when the letter is sent' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(1000)
  grantPoints?: number;
}

export class UpdateLetterDto extends PartialType(CreateLetterDto) {}
