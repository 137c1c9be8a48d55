import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { CreateGrantBatchDto } from './dto/grant-batch.dto';
import { GrantBatchList, GrantBatchView } from './dto/grant-batch.view';
import { GrantBatchesService } from './grant-batches.service';

@ApiTags('points')
@Controller('api/grant-batches')
export class GrantBatchesController {
  constructor(private readonly batches: GrantBatchesService) {}

  @ApiAcceptedResponse({ type: GrantBatchView })
  @Post()
  @HttpCode(202)
  @Idempotent()
  @Allow('manager', undefined, 'Grant points to every account of a segment, in the background (one grant entry per account, exactly once)')
  start(@Body() dto: CreateGrantBatchDto, @CurrentActor() actor: Actor) {
    return this.batches.start(dto, actor);
  }

  @ApiOkResponse({ type: GrantBatchList })
  @Get()
  @Allow('manager', undefined, 'Bulk grants, newest first, with their progress')
  list(@Query() q: PageQueryDto) {
    const { limit, offset } = page(q);
    return this.batches.list(limit, offset);
  }

  @ApiOkResponse({ type: GrantBatchView })
  @Get(':id')
  @Allow('manager', undefined, 'One bulk grant with its progress')
  get(@IdParam('id', 'bulk grant') id: number) {
    return this.batches.get(id);
  }
}
