import { Body, Get, Param, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { formatDateTime } from '../../console/format';
import { FieldErrors, FORM_REJECTED, FormBody, sendView } from '../../console/forms';
import { UserError } from '../../users/users.errors';
import { UsersService } from '../../users/users.service';
import { PortalPublicController } from '../session/portal-controller.decorator';
import { PORTAL_AREA, PortalCookies } from '../session/portal-cookies';

/** Tokens are 43 characters; anything much longer names nothing and is not looked up. */
const MAX_TOKEN_LENGTH = 200;

type Invitation = NonNullable<Awaited<ReturnType<UsersService['invitationFor']>>>;

/**
 * The link in an invitation email: a new client user chooses a password
 * (no session needed), then signs in. UsersService decides whether the link
 * still works; one that is unknown, used or expired gets a page saying so.
 */
@PortalPublicController('invitations')
export class PortalInvitationsController {
  constructor(
    private readonly users: UsersService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const invitation = await this.find(token);
    if (!invitation) return this.noLongerValid(res);
    await this.form(res, invitation, {});
  }

  @Post(':token')
  async accept(@Param('token') token: string, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const invitation = await this.find(token);
    if (!invitation) return this.noLongerValid(res);
    // Passwords are taken as typed: no trimming.
    const password = typeof body.password === 'string' ? body.password : '';
    const confirm = typeof body.confirm === 'string' ? body.confirm : '';
    const errors: FieldErrors = {};
    if (password === '') errors.password = 'Password is required';
    else if (password.length < 8 || password.length > 200) errors.password = 'Password must be 8 to 200 characters long';
    else if (confirm !== password) errors.confirm = 'The two passwords do not match';
    if (Object.keys(errors).length > 0) return this.form(res, invitation, errors, FORM_REJECTED);
    try {
      await this.users.acceptInvitation(token, password);
    } catch (err) {
      // Used or expired since the page was shown (or in a race with another tab).
      if (err instanceof UserError && err.code === 'NOT_FOUND') return this.noLongerValid(res);
      if (err instanceof UserError && err.code === 'INVALID') return this.form(res, invitation, { password: err.message }, FORM_REJECTED);
      throw err;
    }
    this.cookies.setFlash(res, { kind: 'success', text: 'Password set. Sign in.' });
    res.redirect(303, PORTAL_AREA.loginPath);
  }

  private find(token: string): Promise<Invitation | null> {
    return token.length > MAX_TOKEN_LENGTH ? Promise.resolve(null) : this.users.invitationFor(token);
  }

  private form(res: Response, invitation: Invitation, errors: FieldErrors, status = 200): Promise<void> {
    return sendView(res, 'portal/invitation', {
      title: 'Set your password', invitation: { ...invitation, expiresAt: formatDateTime(invitation.expiresAt) }, errors,
    }, status);
  }

  private noLongerValid(res: Response): Promise<void> {
    return sendView(res, 'portal/invitation-invalid', { title: 'This link is no longer valid' }, 404);
  }
}
