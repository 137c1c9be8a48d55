import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { IdParam } from '../common/http/id-param.pipe';
import { page } from '../common/http/page-query.dto';
import { AccountsService } from './accounts.service';
import { AccountQueryDto, CloseAccountDto, ContactDto, CreateAccountDto, UpdateAccountDto } from './dto/account.dto';
import { AccountPage, AccountView, ContactView } from './dto/account.view';
import { NoBody } from '../common/http/no-body.dto';

@ApiTags('accounts')
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @ApiCreatedResponse({ type: AccountView })
  @Post()
  @Allow('manager', undefined, 'Create an account')
  create(@Body() dto: CreateAccountDto, @CurrentActor() actor: Actor) {
    return this.accounts.create(dto, actor);
  }

  @ApiOkResponse({ type: AccountPage })
  @Get()
  @Allow('agent', undefined, 'Search accounts')
  search(@Query() q: AccountQueryDto) {
    return this.accounts.search({ q: q.q, status: q.status, favoured: q.favoured, lowBalance: q.lowBalance, ...page(q) });
  }

  @ApiOkResponse({ type: AccountView })
  @Get(':id')
  @Allow('agent', 'client', 'One account')
  get(@IdParam('id', 'account') id: number, @CurrentActor() actor: Actor) {
    return this.accounts.get(actor, id);
  }

  @ApiOkResponse({ type: AccountView })
  @Patch(':id')
  @Allow('manager', undefined, 'Change an account')
  update(@IdParam('id', 'account') id: number, @Body() dto: UpdateAccountDto, @CurrentActor() actor: Actor) {
    return this.accounts.update(id, dto, actor);
  }

  @ApiCreatedResponse({ type: ContactView })
  @Post(':id/contacts')
  @Allow('manager', undefined, 'Add a contact')
  addContact(@IdParam('id', 'account') id: number, @Body() dto: ContactDto, @CurrentActor() actor: Actor) {
    return this.accounts.addContact(id, dto, actor);
  }

  @ApiOkResponse({ type: AccountView })
  @Post(':id/close')
  @HttpCode(200)
  @Allow('manager', undefined, 'Close an account')
  close(@IdParam('id', 'account') id: number, @Body() dto: CloseAccountDto, @CurrentActor() actor: Actor) {
    return this.accounts.close(id, dto.reason, actor);
  }

  @ApiOkResponse({ type: AccountView })
  @Post(':id/terms/accept')
  @HttpCode(200)
  @Allow(null, 'client', 'Accept the new support terms (own account)')
  acceptTerms(@IdParam('id', 'account') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.accounts.acceptTerms(id, actor);
  }
}
