import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UsersService } from './users.service';
import { UserPage, UserView } from './dto/user.view';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ApiCreatedResponse({ type: UserView })
  @Post()
  @Allow('admin', undefined, 'Create a user')
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor) {
    return this.users.create(dto, actor.id);
  }

  @ApiOkResponse({ type: UserPage })
  @Get()
  @Allow('admin', undefined, 'List users')
  list(@Query() q: PageQueryDto) {
    const p = page(q);
    return this.users.list(p.limit, p.offset);
  }
}
