import { Injectable } from '@nestjs/common';
import { AccountsService, AccountView } from '../accounts/accounts.service';
import { Period, periodOfDays } from '../common/database/periods';
import { LettersService } from '../letters/letters.service';
import { PointBankService } from '../point-bank/point-bank.service';
import { PolicyService } from '../policy/policy.service';
import { PurchasesService } from '../purchases/purchases.service';
import { TicketsService } from '../tickets/tickets.service';
import { MigrationReport, SummaryReport, TopAccountRow } from './dto/report.view';

const DAY_MS = 86_400_000;

/** A period given as calendar days (UTC, both inclusive), either end open. */
export interface DayRange {
  from?: string;
  to?: string;
}

export interface WeekOfIncidents { week: string; provider: number; client: number; undetermined: number }
export interface WeekOfPoints { week: string; debited: number; granted: number; purchased: number }
export interface MonthOfRevenue { month: string; revenueCents: number }
/** Closures of a month, split at the moment the first letter started going out; sinceFirstLetter: the month is the letter's or later. */
export interface MonthOfClosures { month: string; closed: number; closedBefore: number; closedSince: number; sinceFirstLetter: boolean }

export interface Dashboard {
  currency: string;
  /** The last `weeks` weeks, Monday first, oldest first; the current week is the last (and partial). */
  incidentsByWeek: WeekOfIncidents[];
  pointsByWeek: WeekOfPoints[];
  /** The last `months` calendar months, oldest first. */
  revenueByMonth: MonthOfRevenue[];
  closuresByMonth: MonthOfClosures[];
  migration: MigrationReport;
  topAccounts: TopAccountRow[];
  /** Active accounts at or below the low-balance threshold, lowest first: clients to call with a bundle offer. */
  lowBalanceAccounts: AccountView[];
}

/**
 * The facts a manager decides on, read from the modules that own them:
 * tickets (incidents, fees, waived points), the point bank (points in and
 * out), purchases (money received), accounts (status, policy status,
 * closures) and letters (when the first went out). Nothing here reads
 * another module's tables; every figure is computed by its owner's SQL.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly bank: PointBankService,
    private readonly purchases: PurchasesService,
    private readonly accounts: AccountsService,
    private readonly letters: LettersService,
    private readonly policy: PolicyService,
  ) {}

  async summary(range: DayRange): Promise<SummaryReport> {
    const period = toPeriod(range);
    const [incidents, sums, received, accounts, policy] = await Promise.all([
      this.tickets.totals(period), this.bank.sumsByKind(period), this.purchases.receivedByDay(period), this.accounts.counts(), this.policy.get(),
    ]);
    return {
      from: range.from ?? null, to: range.to ?? null,
      incidents: { total: incidents.total, provider: incidents.provider, client: incidents.client, undetermined: incidents.undetermined },
      points: {
        debited: -sums.incident, granted: sums.grant, purchased: sums.purchase, refunded: sums.refund, bonus: sums.bonus,
        waived: incidents.waivedPoints, reversed: -sums.reversal, adjusted: sums.adjustment,
      },
      revenueCents: received.filter((r) => r.currency === policy.currency).reduce((n, r) => n + r.cents, 0),
      feesCents: incidents.feeCents,
      currency: policy.currency,
      accounts: { active: accounts.active, closed: accounts.closed, lowBalance: accounts.lowBalance },
    };
  }

  /** The accounts that called most in the last `days` days. */
  async topAccounts(days: number, limit: number, now = new Date()): Promise<TopAccountRow[]> {
    const since = new Date(now.getTime() - days * DAY_MS);
    const top = await this.tickets.topCallers(since, limit);
    const ids = top.map((t) => t.accountId);
    const [lists, debited] = await Promise.all([this.accounts.mailingLists(ids), this.bank.netDebitedByAccount(ids, since)]);
    return top.map((t) => ({
      accountId: String(t.accountId), name: lists.get(t.accountId)?.name ?? '', incidents: t.incidents, clientCaused: t.clientCaused,
      pointsDebited: debited.get(t.accountId) ?? 0,
    }));
  }

  /** Where the accounts stand in the move to the new policy, and whether clients left since the first letter. */
  async migration(): Promise<MigrationReport> {
    const first = await this.letters.firstSendStart();
    const [accounts, closed] = await Promise.all([this.accounts.counts(), this.accounts.closedAround(first)]);
    return {
      legacy: accounts.legacy, notified: accounts.notified, enrolled: accounts.enrolled,
      closedSinceFirstLetter: closed.since, closedBeforeFirstLetter: closed.before, firstLetterAt: first?.toISOString() ?? null,
    };
  }

  /** The manager's landing page: weekly and monthly series ending now, the funnel and the top callers. */
  async dashboard(opts: { weeks?: number; months?: number; now?: Date } = {}): Promise<Dashboard> {
    const now = opts.now ?? new Date();
    const weeks = lastWeeks(now, opts.weeks ?? 12);
    const months = lastMonths(now, opts.months ?? 12);
    const weekly: Period = { from: new Date(`${weeks[0]}T00:00:00Z`) };
    const monthly: Period = { from: new Date(`${months[0]}-01T00:00:00Z`) };
    const first = await this.letters.firstSendStart();
    const [incidents, points, received, closures, migration, top, policy, low] = await Promise.all([
      this.tickets.countsByDay(weekly), this.bank.sumsByDayAndKind(weekly), this.purchases.receivedByDay(monthly),
      this.accounts.closuresByDay(monthly, first), this.migration(), this.topAccounts(90, 10, now), this.policy.get(),
      this.accounts.lowestBalances(10),
    ]);

    const incidentsByWeek = new Map(weeks.map((week) => [week, { week, provider: 0, client: 0, undetermined: 0 }]));
    for (const r of incidents) {
      const w = incidentsByWeek.get(weekOf(r.day));
      if (w) w[r.fault] += r.n;
    }
    const pointsByWeek = new Map(weeks.map((week) => [week, { week, debited: 0, granted: 0, purchased: 0 }]));
    for (const r of points) {
      const w = pointsByWeek.get(weekOf(r.day));
      if (!w) continue;
      if (r.kind === 'incident') w.debited -= r.points;
      if (r.kind === 'grant') w.granted += r.points;
      if (r.kind === 'purchase') w.purchased += r.points;
    }
    const revenueByMonth = new Map(months.map((month) => [month, { month, revenueCents: 0 }]));
    for (const r of received) {
      const m = revenueByMonth.get(r.day.slice(0, 7));
      if (m && r.currency === policy.currency) m.revenueCents += r.cents;
    }
    const firstLetterMonth = migration.firstLetterAt?.slice(0, 7) ?? null;
    const closuresByMonth = new Map(months.map((month): [string, MonthOfClosures] =>
      [month, { month, closed: 0, closedBefore: 0, closedSince: 0, sinceFirstLetter: firstLetterMonth !== null && month >= firstLetterMonth }]));
    for (const r of closures) {
      const m = closuresByMonth.get(r.day.slice(0, 7));
      if (!m) continue;
      m.closed += r.before + r.since;
      m.closedBefore += r.before;
      m.closedSince += r.since;
    }
    return {
      currency: policy.currency,
      incidentsByWeek: [...incidentsByWeek.values()], pointsByWeek: [...pointsByWeek.values()],
      revenueByMonth: [...revenueByMonth.values()], closuresByMonth: [...closuresByMonth.values()],
      migration, topAccounts: top, lowBalanceAccounts: low,
    };
  }
}

function toPeriod(range: DayRange): Period {
  return periodOfDays(range.from, range.to);
}

/** The Monday (UTC) of a day's week, as YYYY-MM-DD. */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
}

/** The Mondays of the last n weeks, oldest first, ending with this week's. */
export function lastWeeks(now: Date, n: number): string[] {
  const monday = new Date(`${weekOf(now.toISOString().slice(0, 10))}T00:00:00Z`).getTime();
  return Array.from({ length: n }, (_, i) => new Date(monday - (n - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10));
}

/** The last n calendar months (YYYY-MM), oldest first, ending with this month. */
export function lastMonths(now: Date, n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (n - 1 - i), 1)).toISOString().slice(0, 7));
}
