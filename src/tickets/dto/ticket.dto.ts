import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { EmptyAsAbsent, IsOptionalNotNull, IsOptionalOrNull, Trim } from '../../common/http/validation';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { Channel, CHANNELS } from '../../policy/policy.types';
import { Fault, FAULTS, Priority, PRIORITIES } from '../ticket.entity';

export class CreateTicketDto {
  @ApiProperty() @IsString() @MaxLength(20)
  accountId: string;

  @ApiProperty({ enum: CHANNELS, description: 'Always portal for a client' }) @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: 'Cannot print invoices' }) @Trim() @IsString() @Length(1, 200)
  subject: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000)
  description?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20)
  incidentTypeId?: string;

  @ApiPropertyOptional({ enum: FAULTS, default: 'undetermined' }) @IsOptional() @IsIn(FAULTS)
  fault?: Fault;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'normal' }) @IsOptional() @IsIn(PRIORITIES)
  priority?: Priority;
}

export class ClassifyTicketDto {
  @ApiProperty({ enum: FAULTS }) @IsIn(FAULTS)
  fault: Fault;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20)
  incidentTypeId?: string;
}

export class ResolveTicketDto {
  @ApiProperty({ example: 'Walked the client through the export settings' }) @Trim() @IsString() @Length(1, 10000)
  resolution: string;

  @ApiPropertyOptional({ enum: FAULTS }) @IsOptional() @IsIn(FAULTS)
  fault?: Fault;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20)
  incidentTypeId?: string;
}

export class UpdateTicketDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @Trim() @IsString() @Length(1, 200)
  subject?: string;

  @ApiPropertyOptional({ nullable: true }) @IsOptionalOrNull() @IsString() @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptionalNotNull() @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptionalNotNull() @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ nullable: true, description: 'null removes the incident type' })
  @IsOptionalOrNull() @IsString() @MaxLength(20)
  incidentTypeId?: string | null;
}

export class TicketQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @EmptyAsAbsent() @IsString() @MaxLength(20)
  accountId?: string;

  @ApiPropertyOptional({ enum: ['open', 'resolved'] }) @IsOptional() @EmptyAsAbsent() @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ enum: FAULTS }) @IsOptional() @EmptyAsAbsent() @IsIn(FAULTS)
  fault?: Fault;
}
