import { ApiProperty } from '@nestjs/swagger';

export class IncidentTypeView {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() points: number;
  @ApiProperty() active: boolean;
}
