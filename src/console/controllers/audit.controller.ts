import { Get, Query, Res } from '@nestjs/common';
import { Response } from 'express';
import { AuditPages } from '../audit-pages';
import { FORM_REJECTED, FormBody, sendView } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleUser, Staff } from '../session/console-user';

/**
 * Managers read the audit log: who changed what, when and why, with what
 * changed shown as a before/after diff. Filtered by a GET form, so a filtered
 * view can be bookmarked; a filter value it cannot use is shown next to its field.
 */
@ConsoleController('audit')
@ConsoleRole('manager')
export class ConsoleAuditController {
  constructor(private readonly pages: AuditPages) {}

  @Get()
  async list(@Query() query: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const { model, ok } = await this.pages.page(user, query);
    await sendView(res, 'console/audit', model, ok ? 200 : FORM_REJECTED);
  }
}
