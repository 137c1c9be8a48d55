import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { UpdatePolicyDto } from './dto/update-policy.dto';
import { PolicyService } from './policy.service';
import { PolicyView } from './dto/policy.view';

@ApiTags('policy')
@Controller('api/policy')
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  @ApiOkResponse({ type: PolicyView })
  @Get()
  @Allow('agent', undefined, 'The charging policy')
  get() {
    return this.policy.get();
  }

  @ApiOkResponse({ type: PolicyView })
  @Patch()
  @Allow('admin', undefined, 'Change the charging policy')
  update(@Body() dto: UpdatePolicyDto, @CurrentActor() actor: Actor) {
    return this.policy.update(dto, actor.id);
  }
}
