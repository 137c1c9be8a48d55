import { Body, Get, Post, Query, Render, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { parseId } from '../../common/database/ids';
import { IdParam } from '../../common/http/id-param.pipe';
import { PolicyService } from '../../policy/policy.service';
import { CreateTicketDto } from '../../tickets/dto/ticket.dto';
import { TicketsService, TicketView } from '../../tickets/tickets.service';
import { AccountPages, callValues, CallValues } from '../account-pages';
import { CallScript } from '../call-script';
import { formatMoney, points } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, sendView, validateForm } from '../forms';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { isHtmx } from '../session/console-session.middleware';
import { ConsoleRequest, ConsoleUser, Staff } from '../session/console-user';

const LABELS = { channel: 'Channel', subject: 'Subject', description: 'Description', fault: 'Fault', priority: 'Priority', incidentTypeId: 'Incident type' };

/**
 * The "Log a call" form on the account page: its live script line and saving
 * it. With htmx the answer is a fragment (fresh form + out-of-band balance and
 * ticket list); without JavaScript it is the usual post/redirect/get.
 */
@ConsoleController('accounts/:id/calls')
export class ConsoleCallsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly policy: PolicyService,
    private readonly pages: AccountPages,
    private readonly cookies: ConsoleCookies,
  ) {}

  /** "After this call you will have N points left", recomputed whenever the form's choices change. */
  @Get('preview')
  @Render('console/fragments/call-script')
  async preview(@IdParam('id', 'account') id: number, @Query() query: FormBody): Promise<{ layout: false; script: CallScript }> {
    return { layout: false, script: await this.pages.script(id, callValues(query)) };
  }

  @Post()
  async logCall(
    @IdParam('id', 'account') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Req() req: ConsoleRequest, @Res() res: Response,
  ): Promise<void> {
    const values = callValues(body);
    const { value, errors } = await validateForm(CreateTicketDto, {
      accountId: String(id), channel: values.channel, subject: values.subject, description: values.description || undefined,
      incidentTypeId: values.incidentTypeId || undefined, fault: values.fault, priority: values.priority,
    }, LABELS);
    // The select only offers ids; anything else did not come from it.
    const incidentTypeId = values.incidentTypeId ? parseId(values.incidentTypeId) : undefined;
    const problems: FieldErrors = { ...errors, ...(incidentTypeId === null ? { incidentTypeId: 'Choose an incident type from the list' } : {}) };
    if (Object.keys(problems).length > 0) return this.rejected(req, res, user, id, values, problems);

    let ticket: TicketView;
    try {
      ticket = await this.tickets.create({ ...value, accountId: id, incidentTypeId: incidentTypeId ?? undefined }, user.actor);
    } catch (err) {
      // A rule refused the call (closed account, shortfall blocked, inactive type): say so on the form.
      if (err instanceof DomainError) return this.rejected(req, res, user, id, values, {}, err.message);
      throw err;
    }
    const confirmation = `Call ${ticket.reference} logged — ${await this.outcome(user, ticket)}.`;
    if (!isHtmx(req)) {
      this.cookies.setFlash(res, { kind: 'success', text: confirmation });
      return res.redirect(303, `/console/accounts/${id}`);
    }
    await sendView(res, 'console/fragments/call-logged', { layout: false, ...(await this.pages.afterCall(user, id, confirmation)) });
  }

  private async rejected(req: ConsoleRequest, res: Response, user: ConsoleUser, id: number, values: CallValues, errors: FieldErrors, alert?: string) {
    if (isHtmx(req)) {
      const callForm = await this.pages.rejectedCall(user, id, values, errors, alert);
      return sendView(res, 'console/fragments/call-form', { layout: false, callForm }, FORM_REJECTED);
    }
    return sendView(res, 'console/account', await this.pages.page(user, id, { values, errors, alert }), FORM_REJECTED);
  }

  /** What the call did to the account, from its ledger entries: "1 point debited", "billed per incident ($75.00)", … */
  private async outcome(user: ConsoleUser, ticket: TicketView): Promise<string> {
    const { charge } = ticket;
    if (charge.kind === 'points') return `${points(charge.points)} debited`;
    if (charge.kind === 'fee') return `billed per incident (${formatMoney(charge.feeCents, (await this.policy.get()).currency)})`;
    if (charge.kind === 'waived') return `would cost ${points(charge.points)}, not charged yet`;
    const credited = (await this.tickets.entries(user.actor, Number(ticket.id))).reduce((sum, e) => sum + e.delta, 0);
    return credited > 0 ? `free, ${points(credited)} of goodwill credited` : 'no charge';
  }
}
