import { Body, Get, Ip, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { hasStaffRole, Role } from '../../auth/actor';
import { AuthError } from '../../auth/auth.errors';
import { AuthService } from '../../auth/auth.service';
import { FORM_REJECTED, FormBody, sendView, text } from '../forms';
import { ConsoleAuthGuard } from '../session/console-auth.guard';
import { ConsolePublicController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { isStaffRole } from '../session/console-session.middleware';
import { ConsoleRequest } from '../session/console-user';
import { LoginRequiredFilter, safeReturnPath } from '../session/login-required.filter';

const HOME = '/console';
/** Managers (and admins) start on the dashboard; agents on "Find an account". */
const startPage = (role: Role): string => (hasStaffRole({ role }, 'manager') ? '/console/dashboard' : HOME);

/** Log in and out of the console. The session is an httpOnly cookie holding a signed access token. */
@ConsolePublicController()
export class ConsoleLoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get('login')
  async loginPage(@Query('next') next: unknown, @Req() req: ConsoleRequest, @Res() res: Response): Promise<void> {
    if (req.consoleUser) return res.redirect(303, safeReturnPath(next) ?? startPage(req.consoleUser.role));
    await sendView(res, 'console/login', { title: 'Log in', next: safeReturnPath(next), email: '' });
  }

  /**
   * AuthService.login checks the password and counts failures (429 after too
   * many). Clients have accounts too, but this console is staff-only: their
   * password may be right and they still get no session here.
   */
  @Post('login')
  async login(@Body() body: FormBody, @Ip() ip: string, @Res() res: Response): Promise<void> {
    const email = text(body, 'email');
    const next = safeReturnPath(body.next);
    const refuse = (message: string, status: number) => sendView(res, 'console/login', { title: 'Log in', next, email, alert: message }, status);
    if (!email || typeof body.password !== 'string' || body.password === '') {
      return refuse('Enter your email and password.', FORM_REJECTED);
    }
    try {
      const { accessToken, user } = await this.auth.login(email, body.password, ip, 'console');
      if (!isStaffRole(user.role)) {
        return refuse('This console is for staff. Clients sign in to the client portal.', 403);
      }
      this.cookies.startSession(res, accessToken);
      this.cookies.setFlash(res, { kind: 'success', text: `Signed in as ${user.name}.` });
      res.redirect(303, next ?? startPage(user.role));
    } catch (err) {
      if (err instanceof AuthError && err.code === 'UNAUTHORIZED') return refuse('Wrong email or password.', 401);
      if (err instanceof AuthError && err.code === 'TOO_MANY_REQUESTS') {
        if (typeof err.details?.retryAfter === 'number') res.setHeader('Retry-After', String(err.details.retryAfter));
        return refuse(err.message, 429);
      }
      throw err;
    }
  }

  @Post('logout')
  @UseGuards(ConsoleAuthGuard)
  @UseFilters(LoginRequiredFilter)
  async logout(@Req() req: ConsoleRequest, @Res() res: Response): Promise<void> {
    // Voids the session on the server too: a copied cookie stops working.
    if (req.consoleUser) await this.auth.endConsoleSessions(req.consoleUser.actor);
    this.cookies.endSession(req, res);
    this.cookies.setFlash(res, { kind: 'success', text: 'You have logged out.' });
    res.redirect(303, '/console/login');
  }
}
