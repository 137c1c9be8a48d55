import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@pointdesk.local' })
  @IsString() @Length(3, 191)
  email: string;

  @ApiProperty()
  @IsString() @MaxLength(200)
  password: string;
}
