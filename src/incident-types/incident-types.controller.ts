import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { CreateIncidentTypeDto, UpdateIncidentTypeDto } from './dto/incident-type.dto';
import { IncidentTypesService } from './incident-types.service';
import { IncidentTypeView } from './dto/incident-type.view';

@ApiTags('incident types')
@Controller('api/incident-types')
export class IncidentTypesController {
  constructor(private readonly types: IncidentTypesService) {}

  @ApiOkResponse({ type: [IncidentTypeView] })
  @Get()
  @Allow('agent', undefined, 'List incident types')
  list() {
    return this.types.list();
  }

  @ApiCreatedResponse({ type: IncidentTypeView })
  @Post()
  @Allow('manager', undefined, 'Create an incident type (duplicate code → 409)')
  create(@Body() dto: CreateIncidentTypeDto, @CurrentActor() actor: Actor) {
    return this.types.create(dto, actor.id);
  }

  @ApiOkResponse({ type: IncidentTypeView })
  @Patch(':id')
  @Allow('manager', undefined, 'Change an incident type')
  update(@IdParam('id', 'incident type') id: number, @Body() dto: UpdateIncidentTypeDto, @CurrentActor() actor: Actor) {
    return this.types.update(id, dto, actor.id);
  }
}
