import { Injectable } from '@nestjs/common';
import { AccountView } from '../accounts/accounts.service';
import { DomainError } from '../common/errors/domain-error';
import { SummaryQueryDto, TopAccountsQueryDto } from '../reports/dto/report-query.dto';
import { MigrationReport, SummaryReport, TopAccountRow } from '../reports/dto/report.view';
import { Dashboard, DayRange, ReportsService } from '../reports/reports.service';
import { barChart, horizontalBarChart } from './charts';
import { formatDateTime, formatMoney } from './format';
import { currencyDigits, FieldErrors, FormBody, text, validateForm } from './forms';

export const DASHBOARD = '/console/dashboard';

/** A CSV download asked for with a period or window it cannot use: 400, with the messages. */
export class DashboardQueryError extends DomainError<'INVALID'> {}
const REPORTS = '/console/reports';
const DAY_MS = 86_400_000;

/*
 * Series colours (console.css, chart-c1…): a colour-blind-safe palette.
 * Faults keep their colours everywhere: ours blue, the client's orange,
 * unknown grey.
 */
const C = { blue: 'chart-c1', orange: 'chart-c2', grey: 'chart-c3', green: 'chart-c4', red: 'chart-c5', purple: 'chart-c6' };

// ——— Tables ———

/** One cell of a numbers table; `label` is its column's heading (shown before it on a phone). */
export interface Cell {
  text: string;
  label: string;
  href?: string;
  numeric?: boolean;
}

export interface NumbersTable {
  caption: string;
  head: { text: string; numeric: boolean }[];
  rows: Cell[][];
  foot: Cell[] | null;
  /** Inside a <details> "Show the numbers" (under a chart) or shown as is (a table is the content). */
  collapsible: boolean;
}

interface Column<T> {
  head: string;
  numeric?: boolean;
  text: (row: T) => string;
  href?: (row: T) => string | undefined;
}

function table<T>(caption: string, columns: Column<T>[], rows: T[], opts: { foot?: string[]; collapsible?: boolean } = {}): NumbersTable {
  const cell = (c: Column<T>, text: string, href?: string): Cell => ({ text, label: c.head, numeric: !!c.numeric, ...(href ? { href } : {}) });
  return {
    caption,
    head: columns.map((c) => ({ text: c.head, numeric: !!c.numeric })),
    rows: rows.map((r) => columns.map((c) => cell(c, c.text(r), c.href?.(r)))),
    foot: opts.foot ? columns.map((c, i) => cell(c, opts.foot![i] ?? '')) : null,
    collapsible: opts.collapsible ?? true,
  };
}

// ——— Words and numbers ———

const COUNT = new Intl.NumberFormat('en-US');
export const count = (n: number): string => COUNT.format(n);
const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const MONTH_SHORT = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const MONTH_LONG = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2026-11-30" → "30 Nov". */
const weekLabel = (week: string): string => SHORT_DAY.format(new Date(`${week}T00:00:00Z`));
/** "2026-11" → "November 2026". */
export const monthName = (month: string): string => MONTH_LONG.format(new Date(`${month}-01T00:00:00Z`));
/** Axis label of a month: "Nov", with the year on January and on the first month shown ("Jan ’26"). */
function monthLabel(month: string, first: boolean): string {
  const short = MONTH_SHORT.format(new Date(`${month}-01T00:00:00Z`));
  return first || month.endsWith('-01') ? `${short} ’${month.slice(2, 4)}` : short;
}

/** Axis ticks for money: "$1.5K", "¥20K" — the bars and the table carry the exact amounts. */
export function moneyTick(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(cents / 10 ** currencyDigits(currency));
  } catch {
    return formatMoney(cents, currency);
  }
}

const percent = (n: number, of: number): string => (of > 0 ? `${Math.round((n / of) * 100)}%` : '—');
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

// ——— The page ———

export interface ChartPanel {
  /** The section's id (and the chart's, with a "chart-" prefix). */
  id: string;
  heading: string;
  intro: string | null;
  svg: string;
  legend: { label: string; className: string }[];
  notes: string[];
  table: NumbersTable;
  csv: { href: string; what: string } | null;
}

export interface TablePanel {
  id: string;
  heading: string;
  intro: string | null;
  empty: string;
  table: NumbersTable;
  csv: { href: string; what: string } | null;
}

export interface PeriodValues {
  from: string;
  to: string;
}

export interface SummaryModel {
  values: PeriodValues;
  errors: FieldErrors;
  invalid: boolean;
  periodText: string;
  presets: { label: string; href: string; current: boolean }[];
  groups: { heading: string; figures: { label: string; value: string; hint?: string }[] }[];
  csv: { href: string; what: string } | null;
}

export interface DashboardModel {
  title: string;
  generatedAt: string;
  currency: string;
  summary: SummaryModel;
  charts: ChartPanel[];
  tables: TablePanel[];
}

const PERIOD_LABELS = { from: 'From', to: 'To' };

/** Builds the manager's dashboard from ReportsService; no figure is computed here, only laid out. */
@Injectable()
export class DashboardPages {
  constructor(private readonly reports: ReportsService) {}

  /** The dashboard for a GET of the page; `ok` is false when the period picker's dates are refused (shown next to the fields). */
  async page(query: FormBody, now = new Date()): Promise<{ model: DashboardModel; ok: boolean }> {
    const values: PeriodValues = { from: text(query, 'from'), to: text(query, 'to') };
    const { range, errors } = await checkPeriod(values);
    const [d, summary] = await Promise.all([this.reports.dashboard({ now }), range ? this.reports.summary(range) : Promise.resolve(null)]);
    return {
      ok: !!range,
      model: {
        title: 'Dashboard',
        generatedAt: formatDateTime(now.toISOString()),
        currency: d.currency,
        summary: summaryModel(values, errors, summary, now),
        charts: [incidentsChart(d), pointsChart(d), revenueChart(d), funnelChart(d.migration), closuresChart(d)],
        tables: [topCallersTable(d.topAccounts), lowBalanceTable(d.lowBalanceAccounts)],
      },
    };
  }

  // ——— CSV downloads (the console uses its cookie session, so it cannot link to the bearer-token API) ———

  /** Same columns and rows as GET /api/reports/summary?format=csv. */
  async summaryCsv(query: FormBody): Promise<Csv> {
    const values: PeriodValues = { from: text(query, 'from'), to: text(query, 'to') };
    const { range, errors } = await checkPeriod(values);
    if (!range) throw new DashboardQueryError('INVALID', Object.values(errors).join('; '));
    const r = await this.reports.summary(range);
    return {
      name: `pointdesk-summary${r.from ? `-${r.from}` : ''}${r.to ? `-to-${r.to}` : ''}`,
      header: ['metric', 'value'],
      rows: summaryRows(r),
    };
  }

  /** Same as GET /api/reports/top-accounts?format=csv (days 90 and limit 10 by default). */
  async topAccountsCsv(query: FormBody): Promise<Csv> {
    const input = { days: whole(text(query, 'days')), limit: whole(text(query, 'limit')) };
    const { errors } = await validateForm(TopAccountsQueryDto, input, { days: 'Days', limit: 'Limit' });
    if (errors) throw new DashboardQueryError('INVALID', Object.values(errors).join('; '));
    // Checked as whole numbers in range above.
    const days = Number(input.days ?? 90);
    const rows = await this.reports.topAccounts(days, Number(input.limit ?? 10));
    return {
      name: `pointdesk-top-accounts-${days}-days`,
      header: ['accountId', 'name', 'incidents', 'clientCaused', 'pointsDebited'],
      rows: rows.map((r) => [r.accountId, r.name, r.incidents, r.clientCaused, r.pointsDebited]),
    };
  }

  /** Same as GET /api/reports/migration?format=csv. */
  async migrationCsv(): Promise<Csv> {
    const r = await this.reports.migration();
    return { name: 'pointdesk-migration', header: ['metric', 'value'], rows: Object.entries(r).map(([k, v]) => [k, v ?? '']) };
  }

  /** One of the dashboard's weekly or monthly series, as the charts show it. */
  async seriesCsv(name: SeriesName, now = new Date()): Promise<Csv> {
    const d = await this.reports.dashboard({ now });
    switch (name) {
      case 'incidents-by-week':
        return {
          name: 'pointdesk-incidents-by-week', header: ['week', 'provider', 'client', 'undetermined', 'total'],
          rows: d.incidentsByWeek.map((w) => [w.week, w.provider, w.client, w.undetermined, w.provider + w.client + w.undetermined]),
        };
      case 'points-by-week':
        return { name: 'pointdesk-points-by-week', header: ['week', 'debited', 'granted', 'purchased'], rows: d.pointsByWeek.map((w) => [w.week, w.debited, w.granted, w.purchased]) };
      case 'revenue-by-month':
        return { name: 'pointdesk-revenue-by-month', header: ['month', 'revenueCents', 'currency'], rows: d.revenueByMonth.map((m) => [m.month, m.revenueCents, d.currency]) };
      case 'closures-by-month':
        return {
          name: 'pointdesk-closures-by-month', header: ['month', 'closed', 'closedBefore', 'closedSince', 'sinceFirstLetter'],
          rows: d.closuresByMonth.map((m) => [m.month, m.closed, m.closedBefore, m.closedSince, m.sinceFirstLetter ? 'true' : 'false']),
        };
    }
  }
}

export const SERIES_CSV = ['incidents-by-week', 'points-by-week', 'revenue-by-month', 'closures-by-month'] as const;
export type SeriesName = (typeof SERIES_CSV)[number];

export interface Csv {
  /** File name without ".csv". */
  name: string;
  header: string[];
  rows: unknown[][];
}

/** A whole number typed in a query ("90"); anything else stays as typed for the DTO to refuse. */
function whole(v: string): number | string | undefined {
  if (v === '') return undefined;
  return /^\d{1,9}$/.test(v) ? Number(v) : v;
}

/** The period picker's dates, checked with the API's DTO; the range, or the messages per field. */
async function checkPeriod(values: PeriodValues): Promise<{ range: DayRange | null; errors: FieldErrors }> {
  const { errors } = await validateForm(SummaryQueryDto, { from: values.from || undefined, to: values.to || undefined }, PERIOD_LABELS);
  if (errors) return { range: null, errors };
  if (values.from && values.to && values.to < values.from) return { range: null, errors: { to: 'To must be on or after From' } };
  return { range: { from: values.from || undefined, to: values.to || undefined }, errors: {} };
}

/** The summary as metric/value rows, in the order of the API's CSV. */
function summaryRows(r: SummaryReport): unknown[][] {
  return [
    ['from', r.from ?? ''], ['to', r.to ?? ''],
    ...Object.entries(r.incidents).map(([k, v]) => [`incidents.${k}`, v]),
    ...Object.entries(r.points).map(([k, v]) => [`points.${k}`, v]),
    ['revenueCents', r.revenueCents], ['feesCents', r.feesCents], ['currency', r.currency],
    ...Object.entries(r.accounts).map(([k, v]) => [`accounts.${k}`, v]),
  ];
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const query = (path: string, params: Record<string, string>): string => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

function periodText(v: PeriodValues): string {
  if (v.from && v.to) return v.from === v.to ? `${v.from}` : `${v.from} to ${v.to}`;
  if (v.from) return `From ${v.from} to now`;
  if (v.to) return `Up to ${v.to}`;
  return 'All time';
}

function summaryModel(values: PeriodValues, errors: FieldErrors, r: SummaryReport | null, now: Date): SummaryModel {
  const today = day(now);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const presets: [string, PeriodValues][] = [
    ['Last 7 days', { from: day(new Date(now.getTime() - 6 * DAY_MS)), to: today }],
    ['Last 30 days', { from: day(new Date(now.getTime() - 29 * DAY_MS)), to: today }],
    ['This month', { from: day(new Date(Date.UTC(y, m, 1))), to: today }],
    ['Last month', { from: day(new Date(Date.UTC(y, m - 1, 1))), to: day(new Date(Date.UTC(y, m, 0))) }],
    ['This year', { from: `${y}-01-01`, to: today }],
    ['All time', { from: '', to: '' }],
  ];
  const invalid = r === null;
  const model: SummaryModel = {
    values, errors, invalid,
    periodText: periodText(values),
    presets: presets.map(([label, p], i) => ({
      label, href: `${query(DASHBOARD, { from: p.from, to: p.to })}#summary`,
      // Only the first of presets that happen to coincide (the last 30 days and this month, on the 30th) is marked current.
      current: !invalid && i === presets.findIndex(([, x]) => x.from === values.from && x.to === values.to),
    })),
    groups: [],
    csv: invalid ? null : { href: query(`${REPORTS}/summary.csv`, { from: values.from, to: values.to }), what: `the summary (${periodText(values)})` },
  };
  if (!r) return model;
  const money = (cents: number) => formatMoney(cents, r.currency);
  model.groups = [
    {
      heading: 'Incidents',
      figures: [
        { label: 'All incidents', value: count(r.incidents.total) },
        { label: 'Provider fault (ours)', value: count(r.incidents.provider) },
        { label: 'Client caused', value: count(r.incidents.client) },
        { label: 'Not yet known', value: count(r.incidents.undetermined) },
      ],
    },
    {
      heading: 'Points',
      figures: [
        { label: 'Debited for incidents', value: count(r.points.debited) },
        { label: 'Granted', value: count(r.points.granted) },
        { label: 'Purchased', value: count(r.points.purchased) },
        { label: 'Refunded', value: count(r.points.refunded), hint: 'incidents reclassified' },
        { label: 'Goodwill bonus', value: count(r.points.bonus) },
        { label: 'Waived', value: count(r.points.waived), hint: 'what calls would have cost before enforcement; not debited' },
      ],
    },
    {
      heading: 'Money',
      figures: [
        { label: 'Revenue received', value: money(r.revenueCents) },
        { label: 'Per-incident fees billed', value: money(r.feesCents) },
      ],
    },
    {
      heading: 'Accounts (now)',
      figures: [
        { label: 'Active', value: count(r.accounts.active) },
        { label: 'Closed', value: count(r.accounts.closed) },
        { label: 'Low balance', value: count(r.accounts.lowBalance) },
      ],
    },
  ];
  return model;
}

function incidentsChart(d: Dashboard): ChartPanel {
  const weeks = d.incidentsByWeek;
  const totals = weeks.map((w) => w.provider + w.client + w.undetermined);
  const total = { provider: sum(weeks.map((w) => w.provider)), client: sum(weeks.map((w) => w.client)), undetermined: sum(weeks.map((w) => w.undetermined)) };
  const busiest = totals.indexOf(Math.max(...totals));
  const span = `the ${weeks.length} weeks from ${weeks[0]?.week} to the week of ${weeks[weeks.length - 1]?.week}`;
  const heading = 'Incidents per week by fault';
  return {
    id: 'incidents', heading,
    intro: 'Calls and tickets opened each week (weeks start on Monday, UTC; this week so far is the last bar).',
    svg: barChart({
      id: 'chart-incidents', title: heading, mode: 'stacked',
      description: `Incidents opened per week over ${span}, stacked by fault. In total ${count(sum(totals))}: ${count(total.provider)} provider fault (ours), `
        + `${count(total.client)} client caused, ${count(total.undetermined)} not yet known.`
        + (sum(totals) > 0 ? ` Busiest: the week of ${weeks[busiest].week} with ${count(totals[busiest])}.` : ''),
      categories: weeks.map((w) => weekLabel(w.week)), categoryNames: weeks.map((w) => `Week of ${w.week}`),
      series: [{ name: 'Provider fault (ours)', className: C.blue }, { name: 'Client caused', className: C.orange }, { name: 'Not yet known', className: C.grey }],
      values: weeks.map((w) => [w.provider, w.client, w.undetermined]), format: count,
    }),
    legend: [{ label: 'Provider fault (ours)', className: C.blue }, { label: 'Client caused', className: C.orange }, { label: 'Not yet known', className: C.grey }],
    notes: [],
    table: table(heading, [
      { head: 'Week of', text: (w) => w.week },
      { head: 'Provider fault (ours)', numeric: true, text: (w) => count(w.provider) },
      { head: 'Client caused', numeric: true, text: (w) => count(w.client) },
      { head: 'Not yet known', numeric: true, text: (w) => count(w.undetermined) },
      { head: 'Total', numeric: true, text: (w) => count(w.provider + w.client + w.undetermined) },
    ], weeks, { foot: ['All weeks', count(total.provider), count(total.client), count(total.undetermined), count(sum(totals))] }),
    csv: { href: `${REPORTS}/incidents-by-week.csv`, what: 'incidents per week' },
  };
}

function pointsChart(d: Dashboard): ChartPanel {
  const weeks = d.pointsByWeek;
  const total = { debited: sum(weeks.map((w) => w.debited)), granted: sum(weeks.map((w) => w.granted)), purchased: sum(weeks.map((w) => w.purchased)) };
  const heading = 'Points per week: debited, granted, purchased';
  const series = [{ name: 'Debited for incidents', className: C.red }, { name: 'Granted', className: C.green }, { name: 'Purchased', className: C.blue }];
  return {
    id: 'points', heading,
    intro: 'Points out (debited for client-caused incidents) against points in (granted by managers and letters, bought with bundles), per week.',
    svg: barChart({
      id: 'chart-points', title: heading, mode: 'grouped',
      description: `Points per week over the ${weeks.length} weeks from ${weeks[0]?.week} to the week of ${weeks[weeks.length - 1]?.week}. `
        + `In total ${count(total.debited)} debited for incidents, ${count(total.granted)} granted and ${count(total.purchased)} purchased.`,
      categories: weeks.map((w) => weekLabel(w.week)), categoryNames: weeks.map((w) => `Week of ${w.week}`),
      series, values: weeks.map((w) => [w.debited, w.granted, w.purchased]), format: count,
    }),
    legend: series.map((s) => ({ label: s.name, className: s.className })),
    notes: [],
    table: table(heading, [
      { head: 'Week of', text: (w) => w.week },
      { head: 'Debited', numeric: true, text: (w) => count(w.debited) },
      { head: 'Granted', numeric: true, text: (w) => count(w.granted) },
      { head: 'Purchased', numeric: true, text: (w) => count(w.purchased) },
    ], weeks, { foot: ['All weeks', count(total.debited), count(total.granted), count(total.purchased)] }),
    csv: { href: `${REPORTS}/points-by-week.csv`, what: 'points per week' },
  };
}

function revenueChart(d: Dashboard): ChartPanel {
  const months = d.revenueByMonth;
  const money = (cents: number) => formatMoney(cents, d.currency);
  const total = sum(months.map((m) => m.revenueCents));
  const best = months.reduce((a, b) => (b.revenueCents > a.revenueCents ? b : a), months[0]);
  const heading = 'Revenue per month';
  return {
    id: 'revenue', heading,
    intro: `Payments received for bundles each month, in ${d.currency}.`,
    svg: barChart({
      id: 'chart-revenue', title: heading, mode: 'stacked',
      description: `Payments received per month from ${monthName(months[0].month)} to ${monthName(months[months.length - 1].month)}, in ${d.currency}: `
        + `${money(total)} in total.` + (total > 0 ? ` Highest: ${monthName(best.month)} with ${money(best.revenueCents)}.` : ''),
      categories: months.map((m, i) => monthLabel(m.month, i === 0)), categoryNames: months.map((m) => monthName(m.month)),
      series: [{ name: 'Revenue', className: C.green }], values: months.map((m) => [m.revenueCents]),
      format: money, tickFormat: (cents) => moneyTick(cents, d.currency), minTop: 100 * 10 ** currencyDigits(d.currency),
    }),
    legend: [],
    notes: [],
    table: table(heading, [
      { head: 'Month', text: (m) => monthName(m.month) },
      { head: 'Revenue', numeric: true, text: (m) => money(m.revenueCents) },
    ], months, { foot: ['All months', money(total)] }),
    csv: { href: `${REPORTS}/revenue-by-month.csv`, what: 'revenue per month' },
  };
}

function funnelChart(m: MigrationReport): ChartPanel {
  const active = m.legacy + m.notified + m.enrolled;
  const stages = [
    { label: 'Legacy', long: 'Legacy (not yet told)', value: m.legacy, className: C.grey },
    { label: 'Notified', long: 'Notified (sent the letter)', value: m.notified, className: C.orange },
    { label: 'Enrolled', long: 'Enrolled (accepted or bought)', value: m.enrolled, className: C.blue },
  ];
  const heading = 'Migration: legacy → notified → enrolled';
  return {
    id: 'migration', heading,
    intro: 'Where the active accounts stand in the move to the point bank terms.',
    svg: horizontalBarChart({
      id: 'chart-migration', title: heading,
      description: `${plural(active, 'active account')}: ${count(m.legacy)} legacy (not yet told), ${count(m.notified)} notified, ${count(m.enrolled)} enrolled.`,
      rows: stages.map((s) => ({ label: s.label, value: s.value, className: s.className, text: `${count(s.value)} (${percent(s.value, active)})` })),
    }),
    legend: [],
    notes: [m.firstLetterAt ? `The first announcement letter started going out ${formatDateTime(m.firstLetterAt)}.` : 'No announcement letter has gone out yet.'],
    table: table(heading, [
      { head: 'Stage', text: (s) => s.long },
      { head: 'Active accounts', numeric: true, text: (s) => count(s.value) },
      { head: 'Share', numeric: true, text: (s) => percent(s.value, active) },
    ], stages, { foot: ['All active accounts', count(active), active > 0 ? '100%' : '—'] }),
    csv: { href: `${REPORTS}/migration.csv`, what: 'the migration funnel' },
  };
}

function closuresChart(d: Dashboard): ChartPanel {
  const months = d.closuresByMonth;
  const m = d.migration;
  const firstSince = months.findIndex((x) => x.sinceFirstLetter);
  const letterMonth = m.firstLetterAt?.slice(0, 7) ?? null;
  const heading = 'Accounts closed per month';
  const before = { name: 'Before the first letter', className: C.grey };
  const since = { name: letterMonth ? `Since the first letter (sent in ${monthName(letterMonth)})` : 'Since the first letter', className: `${C.red} chart-since` };
  const totalShown = sum(months.map((x) => x.closed));
  const totals = `Closed before the first letter: ${count(m.closedBeforeFirstLetter)}. Closed since the first letter: ${count(m.closedSinceFirstLetter)}.`;
  return {
    id: 'closures', heading,
    intro: 'Are clients leaving since the letter went out? Closures after the moment the first letter started going out are marked differently.',
    svg: barChart({
      id: 'chart-closures', title: heading, mode: 'stacked',
      description: `Accounts closed per month from ${monthName(months[0].month)} to ${monthName(months[months.length - 1].month)}: ${count(totalShown)} in these months. `
        + (letterMonth ? `The first letter went out in ${monthName(letterMonth)}; closures after it are marked as since the letter. ` : 'No letter has gone out yet. ')
        + `All time: ${count(m.closedBeforeFirstLetter)} closed before the first letter, ${count(m.closedSinceFirstLetter)} since.`,
      categories: months.map((x, i) => monthLabel(x.month, i === 0)), categoryNames: months.map((x) => monthName(x.month)),
      series: [{ name: before.name, className: before.className }, { name: since.name, className: since.className }],
      values: months.map((x) => [x.closedBefore, x.closedSince]), format: count,
      marker: firstSince > 0 ? { beforeIndex: firstSince, label: 'First letter' } : null,
    }),
    legend: letterMonth ? [{ label: before.name, className: before.className }, { label: since.name, className: since.className }] : [{ label: 'Closed (no letter has gone out yet)', className: before.className }],
    notes: [totals],
    table: table(heading, [
      { head: 'Month', text: (x) => monthName(x.month) },
      { head: 'Closed', numeric: true, text: (x) => count(x.closed) },
      { head: 'Before the first letter', numeric: true, text: (x) => count(x.closedBefore) },
      { head: 'Since the first letter', numeric: true, text: (x) => count(x.closedSince) },
    ], months, { foot: ['All months shown', count(totalShown), count(sum(months.map((x) => x.closedBefore))), count(sum(months.map((x) => x.closedSince)))] }),
    csv: { href: `${REPORTS}/closures-by-month.csv`, what: 'accounts closed per month' },
  };
}

function topCallersTable(rows: TopAccountRow[]): TablePanel {
  const ranked = rows.map((r, i) => ({ ...r, rank: i + 1 }));
  return {
    id: 'top-callers', heading: 'Top 10 callers',
    intro: 'The accounts with the most incidents in the last 90 days.',
    empty: 'No incidents in the last 90 days.',
    table: table('Top 10 callers, last 90 days', [
      { head: 'Rank', numeric: true, text: (r) => String(r.rank) },
      { head: 'Account', text: (r) => r.name || `Account ${r.accountId}`, href: (r) => `/console/accounts/${r.accountId}` },
      { head: 'Incidents', numeric: true, text: (r) => count(r.incidents) },
      { head: 'Client caused', numeric: true, text: (r) => count(r.clientCaused) },
      { head: 'Points debited', numeric: true, text: (r) => count(r.pointsDebited) },
    ], ranked, { collapsible: false }),
    csv: { href: `${REPORTS}/top-accounts.csv`, what: 'the top callers' },
  };
}

function lowBalanceTable(accounts: AccountView[]): TablePanel {
  const rows = accounts.map((a) => {
    const contact = a.contacts.find((c) => c.phone) ?? a.contacts[0] ?? null;
    return { ...a, contactName: contact?.name ?? '', phone: contact?.phone ?? '' };
  });
  return {
    id: 'low-balance', heading: 'Low balance: accounts to call',
    intro: 'Active accounts at or below the low-balance threshold, lowest first: offer them a bundle.',
    empty: 'No active account has a low balance.',
    table: table('Low-balance accounts', [
      { head: 'Account', text: (a) => a.name, href: (a) => `/console/accounts/${a.id}` },
      { head: 'Balance', numeric: true, text: (a) => plural(a.balance, 'point') },
      { head: 'Contact', text: (a) => a.contactName || '—' },
      { head: 'Phone', text: (a) => a.phone || '—', href: (a) => (a.phone ? `tel:${a.phone.replace(/[^\d+]/g, '')}` : undefined) },
    ], rows, { collapsible: false }),
    csv: null,
  };
}
