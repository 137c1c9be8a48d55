import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../auth/actor';

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: String, nullable: true, description: 'The account of a client user' }) accountId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty() total: number;
}

export class LoginResult {
  @ApiProperty() accessToken: string;
  @ApiProperty({ type: UserView }) user: UserView;
}

export class InvitationInfo {
  @ApiProperty({ format: 'date-time', description: 'The emailed link works until then, once' }) expiresAt: string;
}

export class InvitationResult {
  @ApiProperty({ type: UserView }) user: UserView;
  @ApiProperty({ type: InvitationInfo }) invitation: InvitationInfo;
}
