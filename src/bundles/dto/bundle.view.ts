import { ApiProperty } from '@nestjs/swagger';

export class BundleView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'buy5get6' }) code: string;
  @ApiProperty({ example: 'Buy 5 get 6' }) name: string;
  @ApiProperty() paidIncidents: number;
  @ApiProperty() bonusIncidents: number;
  @ApiProperty({ description: 'paidIncidents + bonusIncidents' }) points: number;
  @ApiProperty({ example: 37500 }) priceCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-01', description: 'first day on sale (UTC), inclusive' })
  availableFrom: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-31', description: 'last day on sale (UTC), inclusive' })
  availableUntil: string | null;
  @ApiProperty({ description: 'active and inside its sale window today' }) onSale: boolean;
}
