import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Allow } from '../auth/roles.decorator';
import { toCsv } from './csv';
import { ReportFormatQueryDto, SummaryQueryDto, TopAccountsQueryDto } from './dto/report-query.dto';
import { MigrationReport, SummaryReport, TopAccountRow } from './dto/report.view';
import { Dashboard, ReportsService } from './reports.service';

/** Sends CSV as a download a spreadsheet opens (the JSON answer otherwise). */
function csv(res: Response, name: string, header: string[], rows: unknown[][]): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return toCsv(header, rows);
}

@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @ApiOkResponse({ type: SummaryReport })
  @ApiProduces('application/json', 'text/csv')
  @Get('summary')
  @Allow('manager', undefined, 'Incidents, points in and out, money and accounts for a period (from/to: UTC days, inclusive); ?format=csv')
  async summary(@Query() q: SummaryQueryDto, @Res({ passthrough: true }) res: Response) {
    const r = await this.reports.summary({ from: q.from, to: q.to });
    if (q.format !== 'csv') return r;
    const rows: [string, unknown][] = [
      ['from', r.from ?? ''], ['to', r.to ?? ''],
      ...Object.entries(r.incidents).map(([k, v]): [string, unknown] => [`incidents.${k}`, v]),
      ...Object.entries(r.points).map(([k, v]): [string, unknown] => [`points.${k}`, v]),
      ['revenueCents', r.revenueCents], ['feesCents', r.feesCents], ['currency', r.currency],
      ...Object.entries(r.accounts).map(([k, v]): [string, unknown] => [`accounts.${k}`, v]),
    ];
    return csv(res, `pointdesk-summary${r.from ? `-${r.from}` : ''}${r.to ? `-to-${r.to}` : ''}`, ['metric', 'value'], rows);
  }

  @ApiOkResponse({ type: [TopAccountRow] })
  @ApiProduces('application/json', 'text/csv')
  @Get('top-accounts')
  @Allow('manager', undefined, 'The accounts that called most in the last `days` days; ?format=csv')
  async topAccounts(@Query() q: TopAccountsQueryDto, @Res({ passthrough: true }) res: Response) {
    const days = q.days ?? 90;
    const rows = await this.reports.topAccounts(days, q.limit ?? 10);
    if (q.format !== 'csv') return rows;
    return csv(res, `pointdesk-top-accounts-${days}-days`, ['accountId', 'name', 'incidents', 'clientCaused', 'pointsDebited'],
      rows.map((r) => [r.accountId, r.name, r.incidents, r.clientCaused, r.pointsDebited]));
  }

  @ApiOkResponse({ type: MigrationReport })
  @ApiProduces('application/json', 'text/csv')
  @Get('migration')
  @Allow('manager', undefined, 'The move to the new policy: legacy → notified → enrolled, and accounts closed before and since the first letter; ?format=csv')
  async migration(@Query() q: ReportFormatQueryDto, @Res({ passthrough: true }) res: Response) {
    const r = await this.reports.migration();
    if (q.format !== 'csv') return r;
    return csv(res, 'pointdesk-migration', ['metric', 'value'], Object.entries(r).map(([k, v]) => [k, v ?? '']));
  }

  @ApiOkResponse({ description: 'the dashboard series (incidents and points per week, revenue and closures per month, funnel, top callers, low balances)' })
  @Get('dashboard')
  @Allow('manager', undefined, "The console dashboard's figures")
  dashboard(): Promise<Dashboard> {
    return this.reports.dashboard();
  }
}
