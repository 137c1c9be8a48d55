import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { Trim } from '../../common/http/validation';

export class InviteClientDto {
  @ApiProperty({ example: 'Jane Client' })
  @Trim() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'jane@acme.example' })
  @IsEmail() @MaxLength(191)
  email: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the emailed invitation link' })
  @IsString() @Length(1, 200)
  token: string;

  @ApiProperty({ minLength: 8, maxLength: 200 })
  @IsString() @Length(8, 200)
  password: string;
}
