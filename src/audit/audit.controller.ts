import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Allow } from '../auth/roles.decorator';
import { parseId } from '../common/database/ids';
import { periodOfDays } from '../common/database/periods';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { IsCalendarDate } from '../common/http/validation';
import { AuditService } from './audit.service';
import { AuditPage } from './dto/audit.view';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) entityType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) entityId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) actorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ example: '2026-11-01', description: 'first day (UTC), inclusive' }) @IsOptional() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ example: '2026-11-30', description: 'last day (UTC), inclusive' }) @IsOptional() @IsCalendarDate() to?: string;
}

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPage })
  @Allow('manager', undefined, 'Audit log')
  list(@Query() q: AuditQueryDto) {
    return this.audit.list({
      ...page(q), entityType: q.entityType, entityId: q.entityId, action: q.action,
      actorId: q.actorId ? parseId(q.actorId) ?? -1 : undefined,
      ...periodOfDays(q.from, q.to),
    });
  }
}
