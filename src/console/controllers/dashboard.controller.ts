import { Get, Query, Res } from '@nestjs/common';
import { Response } from 'express';
import { toCsv } from '../../reports/csv';
import { Csv, DashboardPages, SeriesName } from '../dashboard-pages';
import { FORM_REJECTED, FormBody, sendView } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';

/** Sends a CSV download a spreadsheet opens (toCsv: BOM, CRLF, quoting, formula guard), as the API's ?format=csv does. */
function sendCsv(res: Response, csv: Csv): void {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${csv.name}.csv"`);
  // Business figures: not for shared caches, and not kept on the manager's disk by the browser cache either.
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(toCsv(csv.header, csv.rows));
}

/**
 * The manager's landing page: charts (server-rendered SVG, charts.ts) with
 * their numbers as tables, a summary for a chosen period, top callers and
 * low balances to call. The CSV downloads are console routes because the
 * console signs in with a cookie, not the API's bearer token; they call the
 * same ReportsService as GET /api/reports/*.
 */
@ConsoleController()
@ConsoleRole('manager')
export class ConsoleDashboardController {
  constructor(private readonly pages: DashboardPages) {}

  /** The dashboard; ?from=&to= set the summary's period (a GET form, so a period can be bookmarked). Dates it cannot use are shown next to their field. */
  @Get('dashboard')
  async dashboard(@Query() query: FormBody, @Res() res: Response): Promise<void> {
    const { model, ok } = await this.pages.page(query);
    await sendView(res, 'console/dashboard', model, ok ? 200 : FORM_REJECTED);
  }

  @Get('reports/summary.csv')
  async summaryCsv(@Query() query: FormBody, @Res() res: Response): Promise<void> {
    sendCsv(res, await this.pages.summaryCsv(query));
  }

  @Get('reports/top-accounts.csv')
  async topAccountsCsv(@Query() query: FormBody, @Res() res: Response): Promise<void> {
    sendCsv(res, await this.pages.topAccountsCsv(query));
  }

  @Get('reports/migration.csv')
  async migrationCsv(@Res() res: Response): Promise<void> {
    sendCsv(res, await this.pages.migrationCsv());
  }

  @Get('reports/incidents-by-week.csv')
  incidentsCsv(@Res() res: Response): Promise<void> {
    return this.series(res, 'incidents-by-week');
  }

  @Get('reports/points-by-week.csv')
  pointsCsv(@Res() res: Response): Promise<void> {
    return this.series(res, 'points-by-week');
  }

  @Get('reports/revenue-by-month.csv')
  revenueCsv(@Res() res: Response): Promise<void> {
    return this.series(res, 'revenue-by-month');
  }

  @Get('reports/closures-by-month.csv')
  closuresCsv(@Res() res: Response): Promise<void> {
    return this.series(res, 'closures-by-month');
  }

  private async series(res: Response, name: SeriesName): Promise<void> {
    sendCsv(res, await this.pages.seriesCsv(name));
  }
}
