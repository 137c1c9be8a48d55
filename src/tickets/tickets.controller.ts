import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { parseId } from '../common/database/ids';
import { IdParam } from '../common/http/id-param.pipe';
import { page } from '../common/http/page-query.dto';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ClassifyTicketDto, CreateTicketDto, ResolveTicketDto, TicketQueryDto, UpdateTicketDto } from './dto/ticket.dto';
import { TicketError } from './tickets.errors';
import { TicketsService } from './tickets.service';
import { LedgerEntryView } from '../point-bank/dto/ledger-entry.view';
import { TicketPage, TicketView } from './dto/ticket.view';

/** An id from a request body: an unknown one is reported against its field. */
function bodyId(raw: string, field: string): number {
  const id = parseId(raw);
  // An id that names nothing is 404, whatever its shape (API.md, Conventions).
  if (id === null) throw new TicketError('NOT_FOUND', `${field} ${raw} does not name an existing record`);
  return id;
}
function optionalBodyId(raw: string | null | undefined, field: string): number | null | undefined {
  return raw === undefined || raw === null ? raw : bodyId(raw, field);
}

@ApiTags('tickets')
@Controller('api/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @ApiCreatedResponse({ type: TicketView })
  @Post()
  @Idempotent()
  @Allow('agent', 'client', 'Log a call (a client: its own account, channel portal)')
  create(@Body() dto: CreateTicketDto, @CurrentActor() actor: Actor) {
    return this.tickets.create({
      ...dto,
      accountId: bodyId(dto.accountId, 'accountId'),
      incidentTypeId: optionalBodyId(dto.incidentTypeId, 'incidentTypeId') ?? undefined,
    }, actor);
  }

  @ApiOkResponse({ type: TicketPage })
  @Get()
  @Allow('agent', 'client', 'List tickets (a client gets its own)')
  list(@Query() q: TicketQueryDto, @CurrentActor() actor: Actor) {
    const accountId = q.accountId === undefined ? undefined : parseId(q.accountId) ?? -1;
    return this.tickets.list(actor, { accountId, status: q.status, fault: q.fault, ...page(q) });
  }

  @ApiOkResponse({ type: TicketView })
  @Get(':id')
  @Allow('agent', 'client', 'One ticket')
  get(@IdParam('id', 'ticket') id: number, @CurrentActor() actor: Actor) {
    return this.tickets.get(actor, id);
  }

  @ApiOkResponse({ type: [LedgerEntryView] })
  @Get(':id/entries')
  @Allow('agent', 'client', 'The ledger entries this ticket caused')
  entries(@IdParam('id', 'ticket') id: number, @CurrentActor() actor: Actor) {
    return this.tickets.entries(actor, id);
  }

  @ApiOkResponse({ type: TicketView })
  @Patch(':id')
  @Allow('agent', undefined, 'Edit a ticket; a new channel or incident type re-applies the charge')
  update(@IdParam('id', 'ticket') id: number, @Body() dto: UpdateTicketDto, @CurrentActor() actor: Actor) {
    return this.tickets.update(actor, id, { ...dto, incidentTypeId: optionalBodyId(dto.incidentTypeId, 'incidentTypeId') });
  }

  @ApiOkResponse({ type: TicketView })
  @Post(':id/classify')
  @HttpCode(200)
  @Allow('agent', undefined, 'Classify (a manager once resolved)')
  classify(@IdParam('id', 'ticket') id: number, @Body() dto: ClassifyTicketDto, @CurrentActor() actor: Actor) {
    return this.tickets.classify(actor, id, dto.fault, optionalBodyId(dto.incidentTypeId, 'incidentTypeId') ?? undefined);
  }

  @ApiOkResponse({ type: TicketView })
  @Post(':id/resolve')
  @HttpCode(200)
  @Allow('agent', undefined, 'Resolve, optionally classifying')
  resolve(@IdParam('id', 'ticket') id: number, @Body() dto: ResolveTicketDto, @CurrentActor() actor: Actor) {
    return this.tickets.resolve(actor, id, dto.resolution, dto.fault, optionalBodyId(dto.incidentTypeId, 'incidentTypeId') ?? undefined);
  }
}
