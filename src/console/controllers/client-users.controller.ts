import { Body, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { InviteClientDto } from '../../users/dto/invitation.dto';
import { UsersService } from '../../users/users.service';
import { AccountPages, InviteValues } from '../account-pages';
import { formatDateTime } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';

/**
 * A manager invites a client user of the account from its page: UsersService
 * creates the user and queues the email with the one-time link; this turns
 * the form into its input and the outcome into a flash message.
 */
@ConsoleController('accounts/:id')
@ConsoleRole('manager')
export class ConsoleClientUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly pages: AccountPages,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Post('invitations')
  async invite(@IdParam('id', 'account') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values: InviteValues = { name: text(body, 'name'), email: text(body, 'email') };
    const fail = async (errors: FieldErrors, alert?: string) =>
      sendView(res, 'console/account', await this.pages.page(user, id, {}, { invite: { values, errors, alert } }), FORM_REJECTED);
    const { value, errors } = await validateForm(InviteClientDto, values, { name: 'Name', email: 'Email' });
    if (errors) return fail(errors.email === 'Email must be an email' ? { ...errors, email: 'Email must be an email address such as jane@example.com' } : errors);
    try {
      const { user: invited, invitation } = await this.users.invite(id, value, user.actor);
      this.cookies.setFlash(res, {
        kind: 'success',
        text: `Invitation sent to ${invited.name} <${invited.email}>. The link in it works once, until ${formatDateTime(invitation.expiresAt)}.`,
      });
      res.redirect(303, `/console/accounts/${id}#client-users`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      if (err.code === 'DUPLICATE_EMAIL') return fail({ email: 'This email already belongs to a user who can sign in (staff, or a client who has a password)' });
      return fail({}, err.message);
    }
  }
}
