import { Body, Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { toHttpError } from '../../common/errors/http-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { FORM_REJECTED, FormBody, sendView, text, validateForm } from '../../console/forms';
import { PolicyService } from '../../policy/policy.service';
import { CreateTicketDto } from '../../tickets/dto/ticket.dto';
import { TicketsService } from '../../tickets/tickets.service';
import { PortalController } from '../session/portal-controller.decorator';
import { PortalCookies } from '../session/portal-cookies';
import { Client, PortalUser } from '../session/portal-user';
import { EMPTY_TICKET_FORM, offsetParam, Pager, pager, PortalNav, refusalText, TicketFormModel, TicketRow, ticketRow } from '../view-models';

const TICKETS_LIMIT = 25;

interface TicketsModel {
  title: string;
  nav: PortalNav;
  tickets: TicketRow[];
  pager: Pager;
  form: TicketFormModel;
  closed: boolean;
}

/**
 * The client's tickets and "Open a ticket". A ticket opened here goes through
 * TicketsService exactly as POST /api/tickets does for a client: its own
 * account, channel `portal`, not classified — so it is free.
 */
@PortalController('tickets')
export class PortalTicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly policy: PolicyService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get()
  async list(@Client() client: PortalUser, @Query('offset') offset: unknown, @Res() res: Response): Promise<void> {
    await sendView(res, 'portal/tickets', await this.page(client, offsetParam(offset), EMPTY_TICKET_FORM));
  }

  @Post()
  async open(@Client() client: PortalUser, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const values = { subject: text(body, 'subject'), description: text(body, 'description') };
    const { value, errors } = await validateForm(
      CreateTicketDto,
      { accountId: String(client.actor.accountId), channel: 'portal', subject: values.subject, description: values.description || undefined },
      { subject: 'Subject', description: 'Description' },
    );
    if (errors) return sendView(res, 'portal/tickets', await this.page(client, 0, { values, errors }), FORM_REJECTED);
    try {
      const t = await this.tickets.create(
        { accountId: client.actor.accountId, channel: 'portal', subject: value.subject, description: value.description }, client.actor,
      );
      this.cookies.setFlash(res, { kind: 'success', text: `Ticket ${t.reference} opened. Tickets opened in the portal are free; we will get back to you.` });
      res.redirect(303, `/portal/tickets/${t.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const status = toHttpError(err)?.statusCode ?? FORM_REJECTED;
      await sendView(res, 'portal/tickets', await this.page(client, 0, { values, errors: {}, alert: refusalText(err) }), status);
    }
  }

  /** One ticket; another account's ticket is "not found" (TicketsService checks the client's account). */
  @Get(':id')
  @Render('portal/ticket')
  async ticket(@IdParam('id', 'ticket') id: number, @Client() client: PortalUser) {
    const [t, policy] = await Promise.all([this.tickets.get(client.actor, id), this.policy.get()]);
    const ticket = ticketRow(t, policy.currency);
    return { title: `Ticket ${ticket.reference}`, nav: 'tickets', ticket };
  }

  private async page(client: PortalUser, offset: number, form: TicketFormModel): Promise<TicketsModel> {
    const [found, policy] = await Promise.all([
      this.tickets.list(client.actor, { accountId: client.actor.accountId, limit: TICKETS_LIMIT, offset }), this.policy.get(),
    ]);
    return {
      title: 'Tickets', nav: 'tickets', tickets: found.items.map((t) => ticketRow(t, policy.currency)),
      pager: pager(offset, found.items.length, found.total, TICKETS_LIMIT), form, closed: client.account.status === 'closed',
    };
  }
}
