import { Body, Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { LettersService } from '../../letters/letters.service';
import { FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text } from '../forms';
import {
  audienceNumbers, EMPTY_LETTER, LetterPages, LetterPageModel, letterRefusal, LETTERS, letterValues, validateLetter,
} from '../letter-pages';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';

/**
 * Announcement letters, for managers: the list, the composer with a live
 * per-recipient preview, approval, a confirmation that says in numbers what
 * sending does, and the progress of a letter being sent (polled while it is,
 * read from the server so it survives a reload). LettersService decides
 * everything; this turns forms into its input and its answers into pages.
 */
@ConsoleController('letters')
@ConsoleRole('manager')
export class ConsoleLettersController {
  constructor(
    private readonly letters: LettersService,
    private readonly pages: LetterPages,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/letters')
  list(@Query('page') page: unknown) {
    return this.pages.list(page);
  }

  @Get('new')
  @Render('console/letter-new')
  async newLetter() {
    return { title: 'New letter', composer: await this.pages.composer(LETTERS, EMPTY_LETTER) };
  }

  /** Saves a new draft. */
  @Post()
  async create(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = letterValues(body);
    const fail = async (errors: FieldErrors, alert?: string) => sendView(res, 'console/letter-new', {
      title: 'New letter', composer: await this.pages.composer(LETTERS, values, errors, alert, text(body, 'previewAccountId')),
    }, FORM_REJECTED);
    const { input, errors } = await validateLetter(values);
    if (!input) return fail(errors);
    try {
      const l = await this.letters.create(input, user.actor);
      this.cookies.setFlash(res, { kind: 'success', text: `Letter “${l.title}” saved as a draft. Check the preview, then approve it.` });
      res.redirect(303, `${LETTERS}/${l.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const r = letterRefusal(err);
      return fail(r.errors, r.alert);
    }
  }

  /** The composer's live preview (htmx, on every change): a fragment, with each field's message swapped in next to it. */
  @Post('preview')
  async preview(@Body() body: FormBody, @Res() res: Response): Promise<void> {
    const preview = await this.pages.draftPreview(letterValues(body), text(body, 'previewAccountId'));
    await sendView(res, 'console/fragments/letter-preview', { layout: false, preview });
  }

  @Get(':id')
  @Render('console/letter')
  page(@IdParam('id', 'letter') id: number, @Query() query: FormBody): Promise<LetterPageModel> {
    return this.pages.page(id, { page: query.page, accountId: text(query, 'accountId') });
  }

  /** Saves changes to a draft; an approved or sent letter is shown read-only with the reason (409). */
  @Post(':id')
  async update(@IdParam('id', 'letter') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = letterValues(body);
    const fail = async (errors: FieldErrors, alert?: string, status = FORM_REJECTED) =>
      sendView(res, 'console/letter', await this.pages.page(id, { values, errors, alert, accountId: text(body, 'previewAccountId') }), status);
    const current = await this.letters.get(id);
    if (current.status !== 'draft') return fail({}, lockedText(current.status), 409);
    const { input, errors } = await validateLetter(values);
    if (!input) return fail(errors);
    try {
      const l = await this.letters.update(id, input, user.actor);
      this.cookies.setFlash(res, { kind: 'success', text: `Letter “${l.title}” saved.` });
      res.redirect(303, `${LETTERS}/${id}`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      // Approved by someone else since the check above.
      if (err.code === 'NOT_DRAFT') return fail({}, lockedText('approved'), 409);
      const r = letterRefusal(err);
      return fail(r.errors, r.alert);
    }
  }

  @Post(':id/approve')
  async approve(@IdParam('id', 'letter') id: number, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    try {
      const l = await this.letters.approve(id, user.actor);
      this.cookies.setFlash(res, { kind: 'success', text: `Letter “${l.title}” approved: it can no longer be changed. Send it when you are ready.` });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      const l = await this.letters.get(id);
      this.cookies.setFlash(res, { kind: 'error', text: `Not approved: this letter is ${l.status === 'approved' ? 'approved already' : `${l.status}`}.` });
    }
    res.redirect(303, `${LETTERS}/${id}`);
  }

  /** The confirmation: what sending does, in numbers, and the button that does it. */
  @Get(':id/send')
  @Render('console/letter-send')
  confirm(@IdParam('id', 'letter') id: number) {
    return this.pages.confirm(id);
  }

  /**
   * Starts sending. The confirmation's numbers come back with the form: if
   * the audience changed since, the confirmation is shown again with the new
   * ones rather than sending to a different audience than the one confirmed.
   */
  @Post(':id/send')
  async send(@IdParam('id', 'letter') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const current = await this.letters.get(id);
    const back = `${LETTERS}/${id}`;
    if (current.status !== 'approved') {
      this.cookies.setFlash(res, { kind: 'error', text: `Not sent: ${current.status === 'draft' ? 'approve the letter first' : 'this letter is being sent or was sent already'}.` });
      return res.redirect(303, back);
    }
    const expectAccounts = integer(body, 'expectAccounts');
    const expectEmails = integer(body, 'expectEmails');
    const changed = async () => sendView(res, 'console/letter-send',
      await this.pages.confirm(id, 'The audience changed since the confirmation was shown. Check the numbers below and confirm again.'), 409);
    if (expectAccounts === undefined || expectEmails === undefined || Number.isNaN(expectAccounts) || Number.isNaN(expectEmails)) return changed();
    try {
      // The service checks the confirmed numbers against the audience it freezes, in the same transaction.
      const l = await this.letters.send(id, user.actor, { accounts: expectAccounts, emails: expectEmails });
      const numbers = audienceNumbers(l.accounts.total, l.recipients.total, l.accounts.total * l.grantPoints);
      this.cookies.setFlash(res, { kind: 'success', text: `Sending “${l.title}” to ${numbers}. The progress below fills as the batches go out.` });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'NOT_FOUND') throw err;
      if (err.code === 'AUDIENCE_CHANGED') return changed();
      this.cookies.setFlash(res, { kind: 'error', text: 'Not sent: this letter is being sent or was sent already.' });
    }
    res.redirect(303, back);
  }

  /** The progress bar, polled every 2 s while the letter is being sent. */
  @Get(':id/progress')
  @Render('console/fragments/letter-progress')
  async progress(@IdParam('id', 'letter') id: number) {
    return { layout: false, progress: await this.pages.progress(id) };
  }

  /** The recipients list, polled with the progress bar while the letter is being sent. */
  @Get(':id/recipients')
  @Render('console/fragments/letter-recipients')
  async recipients(@IdParam('id', 'letter') id: number, @Query('page') page: unknown) {
    const l = await this.letters.get(id);
    return { layout: false, recipients: await this.pages.recipients(id, l.status === 'sending', page) };
  }

  /** An approved letter as another account of its audience reads it. */
  @Get(':id/preview')
  @Render('console/fragments/letter-preview')
  async savedPreview(@IdParam('id', 'letter') id: number, @Query('accountId') accountId: unknown) {
    return { layout: false, preview: await this.pages.savedPreview(id, typeof accountId === 'string' ? accountId : '') };
  }
}

function lockedText(status: string): string {
  return `This letter is ${status === 'approved' ? 'approved' : status === 'sending' ? 'being sent' : 'sent'}, so it can no longer be changed.`;
}
