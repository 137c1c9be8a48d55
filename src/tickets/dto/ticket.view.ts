import { ApiProperty } from '@nestjs/swagger';
import { Channel, CHANNELS } from '../../policy/policy.types';
import { CHARGE_KINDS, ChargeKind, Fault, FAULTS, Priority, PRIORITIES } from '../ticket.entity';

export class ChargeView {
  @ApiProperty({ enum: CHARGE_KINDS }) kind: ChargeKind;
  @ApiProperty({ description: 'Points debited, or that would have been (waived)' }) points: number;
  @ApiProperty({ description: 'Per-incident fee billed for a shortfall' }) feeCents: number;
}

export class TicketView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'PD-000123' }) reference: string;
  @ApiProperty() accountId: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ enum: PRIORITIES }) priority: Priority;
  @ApiProperty() subject: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true }) incidentTypeId: string | null;
  @ApiProperty({ enum: FAULTS }) fault: Fault;
  @ApiProperty({ enum: ['open', 'resolved'] }) status: 'open' | 'resolved';
  @ApiProperty({ type: ChargeView }) charge: ChargeView;
  @ApiProperty({ type: String, nullable: true }) createdById: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) resolvedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
}

export class TicketPage {
  @ApiProperty({ type: [TicketView] }) items: TicketView[];
  @ApiProperty() total: number;
}
