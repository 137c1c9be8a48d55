import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { IdParam } from '../common/http/id-param.pipe';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { AdjustPointsDto, GrantPointsDto } from './dto/points.dto';
import { PointBankService } from './point-bank.service';
import { LedgerEntryView, PointsHistory } from './dto/ledger-entry.view';

@ApiTags('point bank')
@Controller('api/accounts/:id/points')
export class PointBankController {
  constructor(private readonly bank: PointBankService) {}

  @ApiOkResponse({ type: PointsHistory })
  @Get()
  @Allow('agent', 'client', 'Balance and ledger, newest first')
  history(@IdParam() id: number, @Query() q: PageQueryDto, @CurrentActor() actor: Actor) {
    const p = page(q);
    return this.bank.history(actor, id, p.limit, p.offset);
  }

  @ApiCreatedResponse({ type: LedgerEntryView })
  @Post('grants')
  @HttpCode(201)
  @Idempotent()
  @Allow('manager', undefined, 'Grant free points')
  grant(@IdParam() id: number, @Body() dto: GrantPointsDto, @CurrentActor() actor: Actor) {
    return this.bank.grant(id, dto.points, dto.reason, actor);
  }

  @ApiCreatedResponse({ type: LedgerEntryView })
  @Post('adjustments')
  @HttpCode(201)
  @Idempotent()
  @Allow('manager', undefined, 'Adjust a balance (409 if it would go below zero)')
  adjust(@IdParam() id: number, @Body() dto: AdjustPointsDto, @CurrentActor() actor: Actor) {
    return this.bank.adjust(id, dto.delta, dto.reason, actor);
  }
}
