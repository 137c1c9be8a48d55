import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { AdjustPointsDto, GrantPointsDto } from '../../point-bank/dto/points.dto';
import { PointBankService } from '../../point-bank/point-bank.service';
import { points, signedPoints } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';

interface PointsFormModel {
  title: string;
  account: { id: string; name: string; balance: number };
  values: Record<string, string>;
  errors: FieldErrors;
  alert?: string;
}

/**
 * A manager's grants and balance adjustments for one account. Agents are
 * refused here by the guard, not only by hidden links; PointBankService
 * makes the change and writes the audit entry with the reason.
 */
@ConsoleController('accounts/:id')
@ConsoleRole('manager')
export class ConsolePointsController {
  constructor(
    private readonly bank: PointBankService,
    private readonly accounts: AccountsService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get('grant')
  @Render('console/grant')
  grantPage(@IdParam('id', 'account') id: number, @Staff() user: ConsoleUser): Promise<PointsFormModel> {
    return this.model(user, id, 'Grant points', { points: '', reason: '' });
  }

  @Post('grant')
  async grant(@IdParam('id', 'account') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = { points: text(body, 'points'), reason: text(body, 'reason') };
    const { value, errors } = await validateForm(GrantPointsDto, { points: integer(body, 'points'), reason: values.reason }, { points: 'Points', reason: 'Reason' });
    const fail = async (e: FieldErrors, alert?: string) =>
      sendView(res, 'console/grant', await this.model(user, id, 'Grant points', values, e, alert), FORM_REJECTED);
    if (errors) return fail(errors);
    try {
      const entry = await this.bank.grant(id, value.points, value.reason, user.actor);
      this.done(res, id, `Granted ${points(value.points)}. Balance now ${points(entry.balanceAfter)}.`);
    } catch (err) {
      if (err instanceof DomainError) return fail({}, err.message);
      throw err;
    }
  }

  @Get('adjust')
  @Render('console/adjust')
  adjustPage(@IdParam('id', 'account') id: number, @Staff() user: ConsoleUser): Promise<PointsFormModel> {
    return this.model(user, id, 'Adjust balance', { delta: '', reason: '' });
  }

  @Post('adjust')
  async adjust(@IdParam('id', 'account') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = { delta: text(body, 'delta'), reason: text(body, 'reason') };
    const { value, errors } = await validateForm(AdjustPointsDto, { delta: integer(body, 'delta'), reason: values.reason }, { delta: 'Change in points', reason: 'Reason' });
    const fail = async (e: FieldErrors, alert?: string) =>
      sendView(res, 'console/adjust', await this.model(user, id, 'Adjust balance', values, e, alert), FORM_REJECTED);
    if (errors) return fail(errors);
    try {
      const entry = await this.bank.adjust(id, value.delta, value.reason, user.actor);
      this.done(res, id, `Balance adjusted by ${signedPoints(value.delta)}. Balance now ${points(entry.balanceAfter)}.`);
    } catch (err) {
      // INSUFFICIENT_POINTS: the adjustment would take the balance below zero.
      if (err instanceof DomainError) return fail({}, err.code === 'INSUFFICIENT_POINTS' ? `Not done: ${err.message}, and a balance never goes below zero.` : err.message);
      throw err;
    }
  }

  private done(res: Response, id: number, message: string): void {
    this.cookies.setFlash(res, { kind: 'success', text: message });
    res.redirect(303, `/console/accounts/${id}`);
  }

  private async model(user: ConsoleUser, id: number, action: string, values: Record<string, string>, errors: FieldErrors = {}, alert?: string): Promise<PointsFormModel> {
    const a = await this.accounts.get(user.actor, id);
    return { title: `${action}: ${a.name}`, account: { id: a.id, name: a.name, balance: a.balance }, values, errors, alert };
  }
}
