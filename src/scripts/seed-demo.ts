import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountsService, AccountView } from '../accounts/accounts.service';
import { Actor } from '../auth/actor';
import { createApp } from '../bootstrap';
import { DomainError } from '../common/errors/domain-error';
import { buildConfig } from '../config/app-config';
import { IncidentTypesService, IncidentTypeView } from '../incident-types/incident-types.service';
import { BundlesService } from '../bundles/bundles.service';
import { GrantBatchesService, GrantBatchView } from '../grant-batches/grant-batches.service';
import { LettersService, LetterView } from '../letters/letters.service';
import { OutboxSender } from '../notifications/outbox-sender';
import { PointBankService } from '../point-bank/point-bank.service';
import { PurchasesService, PurchaseView } from '../purchases/purchases.service';
import { SegmentsService } from '../segments/segments.service';
import { Channel } from '../policy/policy.types';
import { Fault, Priority } from '../tickets/ticket.entity';
import { TicketsService, TicketView } from '../tickets/tickets.service';
import { UsersService } from '../users/users.service';
import {
  DEMO_BULK_GRANT, DEMO_DRAFT_LETTER, DEMO_INCIDENT_TYPES, DEMO_SENT_LETTER, DemoAccount, DemoIncidentType, demoAccounts, Prng,
  UNTYPED_RESOLUTIONS, UNTYPED_SUBJECTS,
} from './demo-data';
import { callTimes, CALL_COLUMNS, DAY, DemoHistory, HISTORY_MONTHS, HOUR, MINUTE, monthsBefore, officeTime } from './demo-history';

const USAGE = `Usage: npm run seed:demo [-- --force] [--seed=N] [--accounts=N] [--tickets=N]

Fills the configured database (DATABASE_URL, or SQLite at SQLITE_PATH) with a
demo: staff users, incident types, accounts with contacts, grandfathered
grants, an announcement letter sent to the favoured accounts, a few hundred
calls, purchases, a bulk grant and a draft letter, all through the
application's services, dated over the last ${HISTORY_MONTHS} months.
Refuses a database that already has accounts unless --force is given (pick
another --seed then, or the same company names are added again).`;

interface Options { force: boolean; seed: number; accounts: number; tickets: number }

/** Staff the demo calls are logged by; they sign in with DEMO_PASSWORD. */
const STAFF = [
  { email: 'dana.whitfield@pointdesk.local', name: 'Dana Whitfield', role: 'manager' },
  { email: 'sam.ortiz@pointdesk.local', name: 'Sam Ortiz', role: 'agent' },
  { email: 'priya.nair@pointdesk.local', name: 'Priya Nair', role: 'agent' },
  { email: 'leo.brandt@pointdesk.local', name: 'Leo Brandt', role: 'agent' },
] as const;
const DEMO_PASSWORD = 'demo-password';

const CHANNELS: readonly (readonly [Channel, number])[] = [['phone', 60], ['email', 25], ['portal', 15]];
/** Why accounts left, before the announcement of the new terms and after it. */
const CLOSE_REASONS_BEFORE = ['Business closed down', 'Merged into a group with its own IT department'];
const CLOSE_REASONS_AFTER = ['Moved to a competitor after the new support terms', 'Did not want to pay for support calls'];

function parseArgs(argv: string[]): Options {
  const opts: Options = { force: false, seed: 20251122, accounts: 50, tickets: 300 };
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    const n = Number(value);
    if (arg === '--force') opts.force = true;
    else if (arg === '--help' || arg === '-h') exit(0, USAGE);
    else if (key === '--seed' && Number.isInteger(n)) opts.seed = n;
    else if (key === '--accounts' && Number.isInteger(n) && n >= 1 && n <= 500) opts.accounts = n;
    else if (key === '--tickets' && Number.isInteger(n) && n >= 0 && n <= 20000) opts.tickets = n;
    else exit(2, `seed:demo: unknown or invalid argument ${arg}\n\n${USAGE}`);
  }
  return opts;
}

function exit(code: number, message: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  // What the app writes as it starts (a new database's admin, policy and bundle) is dated with the demo's set-up.
  const runStart = new Date();
  // Same configuration as the app, without cron jobs: the server sends what this queues.
  const config = buildConfig({ ...process.env, SCHEDULER_ENABLED: 'false' });
  const where = config.database.type === 'sqlite' ? `SQLite at ${config.database.path}` : 'MySQL/MariaDB (DATABASE_URL)';
  const { app, generatedAdminPassword } = await createApp(config, { quiet: true });
  try {
    const existing = await app.get(AccountsService).search({ limit: 1, offset: 0 });
    if (existing.total > 0 && !opts.force) {
      exit(1, `seed:demo: ${where} already has ${existing.total} accounts; refusing to add demo data (use --force to add it anyway).`);
    }
    say(`Seeding demo data into ${where} (seed ${opts.seed})…`);
    await seed(app, opts, runStart);
    if (generatedAdminPassword) {
      say(`\nCreated the admin ${config.admin.email} with the password ${generatedAdminPassword} (shown only this once).`);
    }
  } finally {
    await app.close();
  }
}

/** One step of the demo's history; the steps run in time order. */
interface HistoryEvent {
  at: Date;
  run: () => Promise<void>;
}

async function seed(app: INestApplication, opts: Options, runStart: Date): Promise<void> {
  const users = app.get(UsersService);
  const accounts = app.get(AccountsService);
  const bank = app.get(PointBankService);
  const types = app.get(IncidentTypesService);
  const tickets = app.get(TicketsService);
  const letters = app.get(LettersService);
  const outbox = app.get(OutboxSender);
  const purchases = app.get(PurchasesService);
  const bulkGrants = app.get(GrantBatchesService);
  const rng = new Prng(opts.seed);
  const started = Date.now();
  const history = await DemoHistory.open(app.get(DataSource));

  // The history covers the last HISTORY_MONTHS months and ends when the seed started: nothing is dated later.
  const today = new Date(started);
  const start = monthsBefore(today, HISTORY_MONTHS);
  const ms = (t: Date) => t.getTime();
  // Pointdesk was set up a few days before the first call; the announcement of the new terms went out about two months ago.
  const setupAt = officeTime(rng, ms(start) - 5 * DAY, ms(start) - 2 * DAY);
  const twoMonthsAgo = monthsBefore(today, 2);
  const letterAt = officeTime(rng, ms(twoMonthsAgo) - 3 * DAY, ms(twoMonthsAgo) + DAY - 1);

  // Staff and incident types (an existing code is reused, so --force can run twice). The step began when
  // the app started: on a new database the admin, the policy and the bundle it created are part of the setup.
  const admin = await findAdmin(users);
  const staff: Actor[] = [];
  const typeIds = new Map<string, IncidentTypeView>();
  await history.at(setupAt, async () => {
    for (const s of STAFF) {
      const user = await users.create({ ...s, password: DEMO_PASSWORD }, admin.id).catch(async (err: unknown) => {
        if (!(err instanceof DomainError && err.code === 'DUPLICATE_EMAIL')) throw err;
        return UsersService.view((await users.findForLogin(s.email))!);
      });
      staff.push({ id: Number(user.id), role: s.role, accountId: null });
    }
    for (const t of DEMO_INCIDENT_TYPES) {
      const created = await types.create({ code: t.code, name: t.name, points: t.points }, staff[0].id).catch(async (err: unknown) => {
        if (!(err instanceof DomainError && err.code === 'DUPLICATE_CODE')) throw err;
        return (await types.list()).find((x) => x.code === t.code)!;
      });
      typeIds.set(t.code, created);
    }
  }, 'all', runStart);
  const manager = staff[0];
  const agents = staff.slice(1);

  const plans = demoAccounts(rng, opts.accounts, setupAt);
  const heaviest = new Set([...plans].sort((a, b) => b.callWeight - a.callWeight).slice(0, 5).map((p) => p.name));
  // A few quiet, non-favoured accounts leave: a couple in the months before the announcement, one or two after it.
  const quiet = plans.filter((p) => !p.favoured).sort((a, b) => a.callWeight - b.callWeight);
  const leftBefore = quiet.slice(0, Math.min(2, Math.floor(plans.length / 20)));
  const leftAfter = quiet.slice(leftBefore.length, leftBefore.length + Math.min(2, Math.floor(plans.length / 25)));
  const closing = new Map<DemoAccount, { at: Date; reason: string }>([
    ...leftBefore.map((p, i) => [p, { at: officeTime(rng, ms(start) + 30 * DAY, ms(letterAt) - 14 * DAY), reason: CLOSE_REASONS_BEFORE[i] }] as const),
    ...leftAfter.map((p, i) => [p, { at: officeTime(rng, ms(letterAt) + 14 * DAY, started - 5 * DAY), reason: CLOSE_REASONS_AFTER[i] }] as const),
  ]);
  const openAt = (plan: DemoAccount, at: Date) => !(ms(closing.get(plan)?.at ?? today) <= ms(at));

  const events: HistoryEvent[] = [];
  const later = (at: Date, run: () => Promise<unknown>) => events.push({ at, run: async () => { await run(); } });

  // Accounts, entered one after the other on set-up day; grandfathered points for the long-standing and the
  // heaviest callers in the months before the announcement, introductory points in the days after it.
  const created: { plan: DemoAccount; view: AccountView }[] = [];
  let grants = 0;
  let grantedPoints = 0;
  const spacing = Math.min(3 * MINUTE, (2 * DAY) / plans.length);
  for (const [i, plan] of plans.entries()) {
    const view = await history.at(new Date(ms(setupAt) + HOUR + i * spacing), () => accounts.create(
      { name: plan.name, customerSince: plan.customerSince, favoured: plan.favoured, contacts: plan.contacts }, manager,
    ), CALL_COLUMNS);
    created.push({ plan, view });
    const years = today.getUTCFullYear() - Number(plan.customerSince.slice(0, 4));
    const closes = closing.get(plan)?.at;
    const beforeLetter = () => officeTime(rng, ms(start) + 3 * DAY, Math.min(ms(letterAt) - 10 * DAY, closes ? ms(closes) - DAY : Infinity));
    let grant: { points: number; reason: string; at: Date } | null = null;
    if (years >= 8) {
      grant = { points: Math.min(10, 2 + Math.floor(years / 3) + rng.int(0, 2)), reason: `Grandfathered: thank you for ${years} years with us`, at: beforeLetter() };
    } else if (heaviest.has(plan.name)) {
      grant = { points: rng.int(3, 5), reason: 'Grandfathered: free incidents for our most frequent callers', at: beforeLetter() };
    } else if (rng.chance(0.3)) {
      const at = officeTime(rng, ms(letterAt) + DAY, Math.min(ms(letterAt) + 7 * DAY, started - HOUR));
      if (!closes || ms(closes) > ms(at)) grant = { points: 2, reason: 'Introductory points with the announcement of the new support terms', at };
    }
    if (grant) {
      const { points, reason, at } = grant;
      later(at, async () => {
        await history.at(at, () => bank.grant(Number(view.id), points, reason, manager));
        grants++;
        grantedPoints += points;
      });
    }
  }
  say(`  ${created.length} accounts, ${created.reduce((s, c) => s + c.view.contacts.length, 0)} contacts`);

  for (const { plan, view } of created) {
    const close = closing.get(plan);
    if (close) later(close.at, () => history.at(close.at, () => accounts.close(Number(view.id), close.reason, manager)));
  }

  // The announcement to the favoured accounts: drafted, approved and sent as in the console. They get its points
  // and become `notified`. This process runs no scheduler, so it runs the letter's background batches itself.
  // With SMTP_URL set it also delivers the emails, and the letter is `sent`; without, they wait in the outbox
  // for the server's sender.
  let announcementId = 0;
  const draftedAt = officeTime(rng, ms(letterAt) - 8 * DAY, ms(letterAt) - 5 * DAY);
  later(draftedAt, async () => {
    announcementId = Number((await history.at(draftedAt, () => letters.create(DEMO_SENT_LETTER, manager))).id);
  });
  const approvedAt = officeTime(rng, ms(letterAt) - 3 * DAY, ms(letterAt) - DAY);
  later(approvedAt, () => history.at(approvedAt, () => letters.approve(announcementId, admin)));
  later(letterAt, () => history.at(letterAt, async () => {
    await letters.send(announcementId, manager);
    await untilIdle(() => letters.runBatch());
  }));
  if (outbox.enabled) {
    const deliveredAt = new Date(ms(letterAt) + 20 * MINUTE);
    later(deliveredAt, () => history.at(deliveredAt, async () => {
      await outbox.drain();
      // Its emails are no longer pending: this round marks the letter sent.
      await letters.runBatch();
    }));
  }

  // Calls, over the whole history. Each call is logged, resolved and (now and then) reclassified at the time it
  // came in, so its ledger entries (charge, bonus, refund) and audit rows carry the call's time; the resolution
  // is dated a little later.
  const counts = { created: 0, resolved: 0, reclassified: 0, blocked: 0 };
  const byCharge: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const byFault: Record<string, number> = {};
  const byMonth: Record<string, number> = {};
  const typeWeights: (readonly [DemoIncidentType | null, number])[] = [...DEMO_INCIDENT_TYPES.map((t) => [t, t.weight] as const), [null, 12]];
  const callAt = callTimes(rng, opts.tickets, start, new Date(started - 15 * MINUTE), letterAt);
  const logCall = async (at: Date) => {
    const { plan, view } = rng.weighted(created.filter((c) => openAt(c.plan, at)).map((c) => [c, c.plan.callWeight] as const));
    const type: DemoIncidentType | null = rng.weighted(typeWeights);
    const agent = rng.pick(agents);
    const channel = rng.weighted(CHANNELS);
    const trueFault: Fault = rng.chance(type ? type.clientFault : 0.7) ? 'client' : 'provider';
    const priority: Priority = type?.priority === 'emergency' ? 'emergency' : type?.priority === 'priority' || rng.chance(0.1) ? 'priority' : 'normal';
    const contact = rng.pick(plan.contacts);
    const subject = rng.pick(type ? type.subjects : UNTYPED_SUBJECTS);
    const typeId = type ? Number(typeIds.get(type.code)!.id) : undefined;
    // On about half the calls the agent knows at once what it is and whose fault.
    const knownOnCall = rng.chance(0.55);
    // How long it takes to resolve: minutes on the phone, hours for an emergency, a day or so for a custom report.
    const takes = type?.code === 'custom-report' ? rng.int(2 * HOUR, 30 * HOUR) : priority === 'emergency' ? rng.int(HOUR, 4 * HOUR) : rng.int(4 * MINUTE, 90 * MINUTE);
    let ticket: TicketView | null = null;
    try {
      await history.at(at, async () => {
        ticket = await tickets.create({
          accountId: Number(view.id), channel, subject, priority,
          description: `${contact.name} ${channel === 'phone' ? 'called' : channel === 'email' ? 'wrote in' : 'opened a portal request'}: ${subject.replace(/[?.]$/, '')}.`,
          ...(knownOnCall ? { fault: trueFault, incidentTypeId: typeId } : {}),
        }, agent);
        counts.created++;
        byMonth[at.toISOString().slice(0, 7)] = (byMonth[at.toISOString().slice(0, 7)] ?? 0) + 1;
        if (rng.chance(0.85)) {
          const resolution = rng.pick(type ? type.resolutions : UNTYPED_RESOLUTIONS);
          ticket = await tickets.resolve(agent, Number(ticket.id), resolution, trueFault, typeId);
          counts.resolved++;
          // Now and then a call billed to the client turns out to be our fault: a manager reclassifies it (refund).
          if (trueFault === 'client' && ticket.charge.kind === 'points' && rng.chance(0.06)) {
            ticket = await tickets.classify(manager, Number(ticket.id), 'provider', undefined);
            counts.reclassified++;
          }
        } else if (!knownOnCall && rng.chance(0.4)) {
          ticket = await tickets.classify(agent, Number(ticket.id), trueFault, typeId);
        }
      }, CALL_COLUMNS);
    } catch (err) {
      // A policy set to block shortfalls refuses client-caused calls the balance cannot cover.
      if (err instanceof DomainError && err.code === 'SHORTFALL_BLOCKED') {
        counts.blocked++;
        return;
      }
      throw err;
    }
    const t = ticket as TicketView | null;
    if (!t) return;
    if (t.status === 'resolved') await history.set('tickets', 'resolved_at', t.id, new Date(Math.min(ms(at) + takes, started)));
    byCharge[t.charge.kind] = (byCharge[t.charge.kind] ?? 0) + 1;
    byChannel[t.channel] = (byChannel[t.channel] ?? 0) + 1;
    byFault[t.fault] = (byFault[t.fault] ?? 0) + 1;
  };
  for (const at of callAt) later(at, () => logCall(at));

  // Bundles bought by the busiest accounts over the months: most paid by bank transfer or check a few days to
  // three weeks after the invoice, one paid in part, the most recent ones awaiting payment.
  const [bundle] = await app.get(BundlesService).onSale();
  const bought = { paid: 0, pending: 0, partial: 0 };
  let portalClient = null as string | null;
  if (bundle) {
    const buyers = created.filter((c) => !closing.has(c.plan)).sort((a, b) => b.plan.callWeight - a.plan.callWeight).slice(0, 10);
    const paidInFull = buyers.map((_, i) => i).filter((i) => i % 3 !== 2 && i !== 4);
    const first = ms(start) + 14 * DAY;
    const slot = (started - 30 * DAY - first) / Math.max(1, paidInFull.length);
    for (const [i, c] of buyers.entries()) {
      const pending = i % 3 === 2;
      const partial = i === 4;
      const k = paidInFull.indexOf(i);
      const createdAt = pending ? officeTime(rng, started - 20 * DAY, started - HOUR)
        : partial ? officeTime(rng, started - 55 * DAY, started - 40 * DAY)
          : officeTime(rng, first + k * slot, first + (k + 1) * slot);
      const paidAt = pending ? null : officeTime(rng, ms(createdAt) + (partial ? 5 : 2) * DAY, Math.min(ms(createdAt) + (partial ? 20 : 21) * DAY, started - HOUR));
      let purchase: PurchaseView | null = null;
      later(createdAt, async () => {
        purchase = await history.at(createdAt, () => purchases.create(manager, Number(c.view.id), { bundleId: bundle.id, quantity: i % 4 === 0 ? 2 : 1 }));
        if (pending) bought.pending++;
      });
      if (paidAt) {
        later(paidAt, async () => {
          const p = purchase as PurchaseView | null;
          if (!p) return;
          await history.at(paidAt, () => purchases.pay(manager, Number(p.id), {
            amountCents: partial ? Math.floor(p.amountCents / 2) : p.amountCents, method: rng.chance(0.7) ? 'bank_transfer' : 'check',
            reference: `Remittance for ${p.invoiceNumber}`,
          }));
          bought[partial ? 'partial' : 'paid']++;
        });
      }
      // One client user of the first buyer, to try the portal with, once its first bundle is paid.
      if (i === 0 && paidAt) {
        const userAt = new Date(Math.min(ms(paidAt) + HOUR, started));
        const email = `client@${c.plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.example`;
        later(userAt, async () => {
          portalClient = await history.at(userAt, () => users.create({
            email, name: c.plan.contacts[0].name, role: 'client', password: DEMO_PASSWORD, accountId: c.view.id,
          }, admin.id)).then((u) => u.email, (err: unknown) => {
            if (err instanceof DomainError && err.code === 'DUPLICATE_EMAIL') return email;
            throw err;
          });
        });
      }
    }
  }

  // A bulk grant without a letter, a few days ago, to the busiest callers of the last 30 days. The segment counts
  // the calls since 30 days before the seed ran, of those logged by then: the accounts it finds made at least that
  // many in the 30 days before the grant too.
  let bulk: GrantBatchView | null = null;
  const bulkAt = officeTime(rng, started - 6 * DAY, started - 2 * DAY);
  later(bulkAt, async () => {
    if ((await app.get(SegmentsService).summarize(DEMO_BULK_GRANT.audience, DEMO_BULK_GRANT.points)).accounts === 0) return;
    bulk = await history.at(bulkAt, async () => {
      const batch = await bulkGrants.start(DEMO_BULK_GRANT, manager);
      await untilIdle(() => bulkGrants.runBatch());
      return bulkGrants.get(Number(batch.id));
    });
  });

  // A follow-up letter still being written.
  let draft: LetterView | null = null;
  const draftAt = officeTime(rng, started - 2 * DAY, started - 10 * MINUTE);
  later(draftAt, async () => {
    draft = await history.at(draftAt, () => letters.create(DEMO_DRAFT_LETTER, manager));
  });

  // The history, oldest first (a stable sort: steps planned for one moment keep their order).
  events.sort((a, b) => ms(a.at) - ms(b.at));
  let calls = 0;
  const callSet = new Set(callAt);
  for (const e of events) {
    await e.run();
    if (callSet.has(e.at) && ++calls % 100 === 0) say(`  ${calls}/${opts.tickets} calls (up to ${e.at.toISOString().slice(0, 10)})`);
  }
  // The reports read daily totals that the server's scheduler builds. A new database has none yet; one kept with
  // --force may have totals of days this history has just added calls and entries to: they are emptied and the
  // rollups reset (ticket_rollup.rolled_until NULL, ledger_rollup ids 0), so the server rebuilds them.
  await history.resetReportTotals();

  const sentLetter = await letters.get(announcementId);
  const low = await accounts.search({ lowBalance: true, status: 'active', limit: 1, offset: 0 });
  const favoured = created.filter((c) => c.plan.favoured).length;
  const longStanding = created.filter((c) => today.getUTCFullYear() - Number(c.plan.customerSince.slice(0, 4)) >= 8).length;
  const fmt = (r: Record<string, number>) => Object.entries(r).sort().map(([k, v]) => `${k} ${v}`).join(', ');
  const day = (t: Date) => t.toISOString().slice(0, 10);
  const finalBulk = bulk as GrantBatchView | null;
  const finalDraft = draft as LetterView | null;
  say('');
  say(`Demo data ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  say(`  history        ${HISTORY_MONTHS} months, from ${day(setupAt)} (set-up) to ${day(today)}; the announcement went out on ${day(letterAt)}`);
  say(`  accounts       ${created.length} (${favoured} favoured, ${longStanding} customers for 8+ years, ${closing.size} closed: ` +
    `${leftBefore.length} before the announcement, ${leftAfter.length} after); ${low.total} active accounts in the database are low on points`);
  say(`  contacts       ${created.reduce((s, c) => s + c.view.contacts.length, 0)}`);
  say(`  incident types ${[...typeIds.values()].map((t) => `${t.code} (${t.points})`).join(', ')}`);
  say(`  grants         ${grants} (${grantedPoints} points)`);
  say(`  calls          ${counts.created} (${counts.resolved} resolved, ${counts.reclassified} reclassified after resolution${counts.blocked ? `, ${counts.blocked} refused by the shortfall policy` : ''})`);
  say(`                 channel: ${fmt(byChannel)}; fault: ${fmt(byFault)}; charge: ${fmt(byCharge)}`);
  say(`                 per month: ${fmt(byMonth)}`);
  say(`  purchases      ${bought.paid} paid, ${bought.partial} paid in part, ${bought.pending} awaiting payment (${bundle?.name ?? 'no bundle on sale'})`);
  say(`  letters        "${sentLetter.title}" ${sentLetter.status} to ${sentLetter.accounts.done} accounts (${sentLetter.audienceText}) ` +
    `(${sentLetter.grantPoints} points each; ${sentLetter.recipients.total} emails, ${sentLetter.recipients.sent} delivered` +
    `${sentLetter.status === 'sent' ? '' : ', the others wait in the outbox for a server with SMTP_URL set'}); "${finalDraft?.title}" a draft`);
  say(finalBulk
    ? `  bulk grant     ${finalBulk.points} points to ${finalBulk.accounts.done} accounts (${finalBulk.audienceText}) on ${day(bulkAt)}, ${finalBulk.status}`
    : `  bulk grant     none: no account is in "${SegmentsService.describe(DEMO_BULK_GRANT.audience)}"`);
  say(`  staff          ${STAFF.map((s) => `${s.email} (${s.role})`).join(', ')}; password "${DEMO_PASSWORD}"`);
  if (portalClient) say(`  portal         ${portalClient} (client), password "${DEMO_PASSWORD}", at /portal`);
}

/** Runs a background job's step (a letter's or a bulk grant's next batch) until it finds nothing to do. */
async function untilIdle(step: () => Promise<number>): Promise<void> {
  while ((await step()) > 0) { /* next batch */ }
}

async function findAdmin(users: UsersService): Promise<Actor> {
  for (let offset = 0; ; offset += 200) {
    const page = await users.list(200, offset);
    const admin = page.items.find((u) => u.role === 'admin');
    if (admin) return { id: Number(admin.id), role: 'admin', accountId: null };
    if (offset + 200 >= page.total) throw new Error('no admin user found');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`seed:demo: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
