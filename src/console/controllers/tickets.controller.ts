import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError } from '../../common/errors/domain-error';
import { parseId } from '../../common/database/ids';
import { IdParam } from '../../common/http/id-param.pipe';
import { ClassifyTicketDto, ResolveTicketDto } from '../../tickets/dto/ticket.dto';
import { TicketsService } from '../../tickets/tickets.service';
import { FAULT_LABELS, movementText, points } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, sendView, text, validateForm } from '../forms';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';
import { TicketForms, TicketPageModel, TicketPages } from '../ticket-pages';

/** The ticket page: details, charge, its ledger entries, and classifying or resolving it. */
@ConsoleController('tickets/:id')
export class ConsoleTicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly accounts: AccountsService,
    private readonly pages: TicketPages,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/ticket')
  ticket(@IdParam('id', 'ticket') id: number, @Staff() user: ConsoleUser): Promise<TicketPageModel> {
    return this.pages.page(user, id);
  }

  /** Sets the fault (and incident type); the charge follows. A resolved ticket needs a manager (the service decides). */
  @Post('classify')
  async classify(@IdParam('id', 'ticket') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = { fault: text(body, 'fault'), incidentTypeId: text(body, 'incidentTypeId') };
    const { value, errors } = await validateForm(ClassifyTicketDto, { fault: values.fault }, { fault: 'Fault' });
    // Empty keeps the current incident type (the API's "omitted").
    const incidentTypeId = values.incidentTypeId ? parseId(values.incidentTypeId) : undefined;
    const problems: FieldErrors = { ...errors, ...(incidentTypeId === null ? { incidentTypeId: 'Choose an incident type from the list' } : {}) };
    if (Object.keys(problems).length > 0) return this.rejected(res, user, id, { classify: { values, errors: problems } });

    const before = await this.tickets.entries(user.actor, id);
    try {
      const t = await this.tickets.classify(user.actor, id, value.fault, incidentTypeId ?? undefined);
      const after = await this.tickets.entries(user.actor, id);
      const moved = after.slice(before.length).reduce((sum, e) => sum + e.delta, 0);
      const { balance } = await this.accounts.get(user.actor, Number(t.accountId));
      this.done(res, id, `${t.reference} classified as ${FAULT_LABELS[t.fault]}: ${movementText(moved)}. Balance now ${points(balance)}.`);
    } catch (err) {
      if (err instanceof DomainError) return this.rejected(res, user, id, { classify: { values, errors: {}, alert: err.message } });
      throw err;
    }
  }

  @Post('resolve')
  async resolve(@IdParam('id', 'ticket') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = { resolution: text(body, 'resolution') };
    const { value, errors } = await validateForm(ResolveTicketDto, values, { resolution: 'Resolution' });
    if (errors) return this.rejected(res, user, id, { resolve: { values, errors } });
    try {
      const t = await this.tickets.resolve(user.actor, id, value.resolution);
      this.done(res, id, `${t.reference} resolved.`);
    } catch (err) {
      if (err instanceof DomainError) return this.rejected(res, user, id, { resolve: { values, errors: {}, alert: err.message } });
      throw err;
    }
  }

  private done(res: Response, id: number, message: string): void {
    this.cookies.setFlash(res, { kind: 'success', text: message });
    res.redirect(303, `/console/tickets/${id}`);
  }

  private async rejected(res: Response, user: ConsoleUser, id: number, forms: TicketForms): Promise<void> {
    await sendView(res, 'console/ticket', await this.pages.page(user, id, forms), FORM_REJECTED);
  }
}
