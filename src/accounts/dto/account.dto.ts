import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested,
} from 'class-validator';
import { BooleanQuery } from '../../common/http/boolean-query';
import { EmptyAsAbsent, IsCalendarDate, IsOptionalNotNull, IsOptionalOrNull, Trim } from '../../common/http/validation';
import { PageQueryDto } from '../../common/http/page-query.dto';

export class ContactDto {
  @ApiProperty({ example: 'Jane Doe' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'jane@acme.example' })
  @IsEmail() @MaxLength(191)
  email: string;

  @ApiPropertyOptional({ example: '+1 555 0100' })
  @IsOptional() @IsString() @MaxLength(50) @Matches(/^[+()\-.\s\d]*\d[+()\-.\s\d]*$/, { message: 'phone must contain digits and only phone punctuation' })
  phone?: string;
}

export class CreateAccountDto {
  @ApiProperty({ example: 'Acme Corp' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: '2015-03-01' })
  @IsOptionalOrNull() @IsCalendarDate()
  customerSince?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  favoured?: boolean;

  @ApiPropertyOptional({ type: [ContactDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ContactDto)
  contacts?: ContactDto[];
}

export class UpdateAccountDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @Trim() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptionalOrNull() @IsCalendarDate()
  customerSince?: string | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsBoolean()
  favoured?: boolean;
}

export class CloseAccountDto {
  @ApiProperty({ minLength: 3, maxLength: 500 })
  @Trim() @IsString() @Length(3, 500)
  reason: string;
}

export class AccountQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches name, contact name, email or phone' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ['active', 'closed'] })
  @IsOptional() @EmptyAsAbsent() @IsIn(['active', 'closed'])
  status?: 'active' | 'closed';

  @ApiPropertyOptional()
  @IsOptional() @BooleanQuery() @IsBoolean()
  favoured?: boolean;

  @ApiPropertyOptional()
  @IsOptional() @BooleanQuery() @IsBoolean()
  lowBalance?: boolean;
}
