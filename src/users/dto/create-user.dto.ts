import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { ROLES, Role } from '../../auth/actor';
import { Trim } from '../../common/http/validation';

export class CreateUserDto {
  @ApiProperty({ example: 'sam@example.com' })
  @IsEmail() @MaxLength(191)
  email: string;

  @ApiProperty({ example: 'Sam Agent' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ minLength: 8, maxLength: 200 })
  @IsString() @Length(8, 200)
  password: string;

  @ApiPropertyOptional({ description: 'Required for role client: the account the user belongs to' })
  @ValidateIf((o: CreateUserDto) => o.role === 'client' || o.accountId !== undefined)
  @IsString({ message: 'accountId is required for a client and must be an account id string' })
  accountId?: string;
}
