import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { UpdatePolicyDto } from './dto/update-policy.dto';
import { PolicyService } from './policy.service';

@ApiTags('policy')
@Controller('api/policy')
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  @Allow('agent', undefined, 'The charging policy')
  get() {
    return this.policy.get();
  }

  @Patch()
  @Allow('admin', undefined, 'Change the charging policy')
  update(@Body() dto: UpdatePolicyDto, @CurrentActor() actor: Actor) {
    return this.policy.update(dto, actor.id);
  }
}
