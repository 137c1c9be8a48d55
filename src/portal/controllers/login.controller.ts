import { Body, Get, Ip, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { AuthService } from '../../auth/auth.service';
import { safeReturnPath } from '../../common/web/login-required';
import { loginRefusal } from '../../common/web/login-refusal';
import { FORM_REJECTED, FormBody, sendView, text } from '../../console/forms';
import { PortalAuthGuard } from '../session/portal-auth.guard';
import { PortalPublicController } from '../session/portal-controller.decorator';
import { PORTAL_AREA, PortalCookies } from '../session/portal-cookies';
import { Client, PortalRequest, PortalUser } from '../session/portal-user';

const HOME = PORTAL_AREA.path;

/**
 * Signing in and out of the client portal. The session is an httpOnly cookie
 * (path /portal) holding a signed access token, as in the console; only
 * clients get one here, as only staff get one there.
 */
@PortalPublicController()
export class PortalLoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get('login')
  async loginPage(@Query('next') next: unknown, @Req() req: PortalRequest, @Res() res: Response): Promise<void> {
    const back = safeReturnPath(PORTAL_AREA, next);
    if (req.portalUser) return res.redirect(303, back ?? HOME);
    await sendView(res, 'portal/login', { title: 'Sign in', next: back, email: '' });
  }

  /** AuthService.login checks the password and counts failures (429 after too many). */
  @Post('login')
  async login(@Body() body: FormBody, @Ip() ip: string, @Res() res: Response): Promise<void> {
    const email = text(body, 'email');
    const next = safeReturnPath(PORTAL_AREA, body.next);
    const refuse = (status: number, alert: string, staffRefused = false) =>
      sendView(res, 'portal/login', { title: 'Sign in', next, email, alert, staffRefused }, status);
    if (!email || typeof body.password !== 'string' || body.password === '') return refuse(FORM_REJECTED, 'Enter your email and password.');
    let signedIn: Awaited<ReturnType<AuthService['login']>>;
    try {
      signedIn = await this.auth.login(email, body.password, ip, 'console');
    } catch (err) {
      const refusal = loginRefusal(err, res);
      if (!refusal) throw err;
      return refuse(refusal.status, refusal.message);
    }
    const { accessToken, user } = signedIn;
    // Staff passwords are right here too, but the portal is for clients only.
    if (user.role !== 'client' || user.accountId === null) {
      return refuse(403, 'This portal is for our clients. Support staff sign in to the console at /console.', true);
    }
    this.cookies.startSession(res, accessToken);
    this.cookies.setFlash(res, { kind: 'success', text: `Signed in as ${user.name}.` });
    res.redirect(303, next ?? HOME);
  }

  @Post('logout')
  @UseGuards(PortalAuthGuard)
  async logout(@Client() client: PortalUser, @Req() req: PortalRequest, @Res() res: Response): Promise<void> {
    // Voids the session on the server too (AuthService ends every cookie session of the user): a copied cookie stops working.
    await this.auth.endConsoleSessions(client.actor);
    this.cookies.endSession(req, res);
    this.cookies.setFlash(res, { kind: 'success', text: 'You have logged out.' });
    res.redirect(303, PORTAL_AREA.loginPath);
  }
}
