import { Body, Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { createHash } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { GrantBatchesService, GrantBatchView } from '../../grant-batches/grant-batches.service';
import { FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text } from '../forms';
import { EMPTY_GRANT, GRANTS, GrantInput, GrantPages, grantValues, GrantValues, validateGrant } from '../grant-pages';
import { count } from '../segment-form';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';

/** The confirmation's one-time key (a UUID from GrantPages). */
const FORM_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMPTY_SEGMENT_MESSAGE = 'No active account is in this segment: change its conditions';

/**
 * Bulk grants, for managers: the same points to every account of a segment.
 * The form shows who is in the segment and the total as it is filled in; a
 * confirmation states the numbers; then a progress page (polled while the
 * grant runs) and the list of earlier bulk grants. GrantBatchesService does
 * the granting, exactly once per account.
 */
@ConsoleController('grants')
@ConsoleRole('manager')
export class ConsoleGrantsController {
  constructor(
    private readonly batches: GrantBatchesService,
    private readonly idempotency: IdempotencyService,
    private readonly pages: GrantPages,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/grants')
  list(@Query('page') page: unknown) {
    return this.pages.page(EMPTY_GRANT, {}, undefined, page);
  }

  /** The form's live preview (htmx, on every change): who is in the segment and the total, with the fields' messages swapped in next to them. */
  @Post('preview')
  async preview(@Body() body: FormBody, @Res() res: Response): Promise<void> {
    await sendView(res, 'console/fragments/grant-preview', { layout: false, preview: await this.pages.preview(grantValues(body)) });
  }

  /** The form filled in: the confirmation with the numbers, or the form again with the messages. */
  @Post('confirm')
  async confirm(@Body() body: FormBody, @Res() res: Response): Promise<void> {
    const values = grantValues(body);
    const { input, errors } = await validateGrant(values);
    if (!input) return this.rejected(res, values, errors);
    const model = await this.pages.confirm(values, input);
    if (!model) return this.rejected(res, values, { audience: EMPTY_SEGMENT_MESSAGE });
    await sendView(res, 'console/grant-confirm', model);
  }

  /** "Change" on the confirmation: the form again, as it was filled in. */
  @Post('edit')
  async edit(@Body() body: FormBody, @Res() res: Response): Promise<void> {
    await sendView(res, 'console/grants', await this.pages.page(grantValues(body)));
  }

  /**
   * Starts the bulk grant that was confirmed. If the segment changed since
   * the confirmation, it is shown again with the new numbers; the same
   * confirmation sent twice (a double click, the back button) starts one
   * bulk grant, through the idempotency keys the API uses.
   */
  @Post()
  async start(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = grantValues(body);
    const { input, errors } = await validateGrant(values);
    if (!input) return this.rejected(res, values, errors);
    const key = text(body, 'grantKey');
    const expectAccounts = integer(body, 'expectAccounts');
    const model = await this.pages.confirm(values, input);
    if (!model) return this.rejected(res, values, { audience: EMPTY_SEGMENT_MESSAGE });
    if (model.expectAccounts !== expectAccounts) {
      const alert = 'The segment changed since the confirmation was shown. Check the numbers below and confirm again.';
      return sendView(res, 'console/grant-confirm', { ...model, key: FORM_KEY.test(key) ? key : model.key, alert }, 409);
    }
    let outcome: { batch: GrantBatchView } | { code: string; message: string };
    try {
      outcome = FORM_KEY.test(key) ? await this.startOnce(user, key, input) : { batch: await this.batches.start(input, user.actor) };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      outcome = { code: err.code, message: err.message };
    }
    if (!('batch' in outcome)) {
      // INVALID: the segment emptied in the meantime.
      if (outcome.code === 'INVALID') return this.rejected(res, values, { audience: EMPTY_SEGMENT_MESSAGE });
      return this.rejected(res, values, {}, outcome.message);
    }
    const { batch } = outcome;
    this.cookies.setFlash(res, {
      kind: 'success',
      text: `Bulk grant started: ${count(batch.points, 'point', 'points')} to each of ${count(batch.accounts.total, 'account', 'accounts')}, ` +
        `${count(batch.points * batch.accounts.total, 'point', 'points')} in all. The accounts are granted in batches; this page shows the progress.`,
    });
    res.redirect(303, `${GRANTS}/${batch.id}`);
  }

  @Get(':id')
  @Render('console/grant-batch')
  batch(@IdParam('id', 'bulk grant') id: number) {
    return this.pages.batch(id);
  }

  /** The progress bar, polled every 2 s while the bulk grant runs. */
  @Get(':id/progress')
  @Render('console/fragments/grant-progress')
  async progress(@IdParam('id', 'bulk grant') id: number) {
    return { layout: false, progress: await this.pages.progress(id) };
  }

  /** Runs the start once per confirmation key; a repeat gets the first answer (or its refusal) back. */
  private async startOnce(user: ConsoleUser, key: string, input: GrantInput): Promise<{ batch: GrantBatchView } | { code: string; message: string }> {
    const hash = createHash('sha256').update(`console grant\n${JSON.stringify(input)}`).digest('hex');
    const outcome = await this.idempotency.execute(user.actor.id, `console-grant:${key}`, hash, () => this.batches.start(input, user.actor));
    if (outcome.kind === 'ok') return { batch: outcome.body as GrantBatchView };
    const refusal = outcome.body as { code?: string; message?: string };
    return { code: refusal.code ?? 'INVALID', message: refusal.message ?? 'The bulk grant was refused' };
  }

  private async rejected(res: Response, values: GrantValues, errors: FieldErrors, alert?: string): Promise<void> {
    await sendView(res, 'console/grants', await this.pages.page(values, errors, alert), FORM_REJECTED);
  }
}
