import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { BundlesService } from './bundles.service';
import { CreateBundleDto, UpdateBundleDto } from './dto/bundle.dto';
import { BundleView } from './dto/bundle.view';

class BundleList {
  @ApiProperty({ type: [BundleView] }) items: BundleView[];
  @ApiProperty() total: number;
}

@ApiTags('bundles')
@Controller('api/bundles')
export class BundlesController {
  constructor(private readonly bundles: BundlesService) {}

  @ApiOkResponse({ type: BundleList })
  @Get()
  @Allow('agent', 'client', 'List bundles (clients: only those on sale today)')
  list(@CurrentActor() actor: Actor) {
    return this.bundles.list(actor);
  }

  @ApiOkResponse({ type: BundleView })
  @Get(':id')
  @Allow('agent', 'client', 'One bundle (clients: only if on sale today)')
  get(@IdParam('id', 'bundle') id: number, @CurrentActor() actor: Actor) {
    return this.bundles.get(actor, id);
  }

  @ApiCreatedResponse({ type: BundleView })
  @Post()
  @Allow('manager', undefined, 'Add a bundle to the catalog (duplicate code → 409)')
  create(@Body() dto: CreateBundleDto, @CurrentActor() actor: Actor) {
    return this.bundles.create(dto, actor);
  }

  @ApiOkResponse({ type: BundleView })
  @Patch(':id')
  @Allow('manager', undefined, 'Change a bundle; active: false takes it off sale')
  update(@IdParam('id', 'bundle') id: number, @Body() dto: UpdateBundleDto, @CurrentActor() actor: Actor) {
    return this.bundles.update(id, dto, actor);
  }
}
