import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { AccountsService, AccountView } from '../accounts/accounts.service';
import { Actor } from '../auth/actor';
import { createApp } from '../bootstrap';
import { DomainError } from '../common/errors/domain-error';
import { buildConfig } from '../config/app-config';
import { IncidentTypesService, IncidentTypeView } from '../incident-types/incident-types.service';
import { BundlesService } from '../bundles/bundles.service';
import { GrantBatchesService, GrantBatchView } from '../grant-batches/grant-batches.service';
import { LettersService } from '../letters/letters.service';
import { OutboxSender } from '../notifications/outbox-sender';
import { PointBankService } from '../point-bank/point-bank.service';
import { PurchasesService } from '../purchases/purchases.service';
import { SegmentsService } from '../segments/segments.service';
import { Channel } from '../policy/policy.types';
import { Fault, Priority } from '../tickets/ticket.entity';
import { TicketsService, TicketView } from '../tickets/tickets.service';
import { UsersService } from '../users/users.service';
import {
  DEMO_BULK_GRANT, DEMO_DRAFT_LETTER, DEMO_INCIDENT_TYPES, DEMO_SENT_LETTER, DemoAccount, DemoIncidentType, demoAccounts, Prng,
  UNTYPED_RESOLUTIONS, UNTYPED_SUBJECTS,
} from './demo-data';

const USAGE = `Usage: npm run seed:demo [-- --force] [--seed=N] [--accounts=N] [--tickets=N]

Fills the configured database (DATABASE_URL, or SQLite at SQLITE_PATH) with a
demo: staff users, incident types, accounts with contacts, grandfathered
grants, an announcement letter sent to the favoured accounts, a few hundred
calls, purchases, a bulk grant and a draft letter, all through the
application's services.
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
const CLOSE_REASONS = ['Moved to a competitor after the new support terms', 'Business closed down'];

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
    await seed(app, opts);
    if (generatedAdminPassword) {
      say(`\nCreated the admin ${config.admin.email} with the password ${generatedAdminPassword} (shown only this once).`);
    }
  } finally {
    await app.close();
  }
}

async function seed(app: INestApplication, opts: Options): Promise<void> {
  const users = app.get(UsersService);
  const accounts = app.get(AccountsService);
  const bank = app.get(PointBankService);
  const types = app.get(IncidentTypesService);
  const tickets = app.get(TicketsService);
  const rng = new Prng(opts.seed);
  const started = Date.now();

  const admin = await findAdmin(users);
  const staff: Actor[] = [];
  for (const s of STAFF) {
    const user = await users.create({ ...s, password: DEMO_PASSWORD }, admin.id).catch(async (err: unknown) => {
      if (!(err instanceof DomainError && err.code === 'DUPLICATE_EMAIL')) throw err;
      return UsersService.view((await users.findForLogin(s.email))!);
    });
    staff.push({ id: Number(user.id), role: s.role, accountId: null });
  }
  const manager = staff[0];
  const agents = staff.slice(1);

  // Incident types (an existing code is reused, so --force can run twice).
  const typeIds = new Map<string, IncidentTypeView>();
  for (const t of DEMO_INCIDENT_TYPES) {
    const created = await types.create({ code: t.code, name: t.name, points: t.points }, manager.id).catch(async (err: unknown) => {
      if (!(err instanceof DomainError && err.code === 'DUPLICATE_CODE')) throw err;
      return (await types.list()).find((x) => x.code === t.code)!;
    });
    typeIds.set(t.code, created);
  }

  // Accounts, and grandfathered points for the long-standing and the heaviest callers.
  const today = new Date();
  const plans = demoAccounts(rng, opts.accounts, today);
  const heaviest = new Set([...plans].sort((a, b) => b.callWeight - a.callWeight).slice(0, 5).map((p) => p.name));
  const created: { plan: DemoAccount; view: AccountView }[] = [];
  let grants = 0;
  let grantedPoints = 0;
  for (const plan of plans) {
    const view = await accounts.create(
      { name: plan.name, customerSince: plan.customerSince, favoured: plan.favoured, contacts: plan.contacts }, manager,
    );
    created.push({ plan, view });
    const years = today.getUTCFullYear() - Number(plan.customerSince.slice(0, 4));
    let grant: { points: number; reason: string } | null = null;
    if (years >= 8) {
      grant = { points: Math.min(10, 2 + Math.floor(years / 3) + rng.int(0, 2)), reason: `Grandfathered: thank you for ${years} years with us` };
    } else if (heaviest.has(plan.name)) {
      grant = { points: rng.int(3, 5), reason: 'Grandfathered: free incidents for our most frequent callers' };
    } else if (rng.chance(0.3)) {
      grant = { points: 2, reason: 'Introductory points with the announcement of the new support terms' };
    }
    if (grant) {
      await bank.grant(Number(view.id), grant.points, grant.reason, manager);
      grants++;
      grantedPoints += grant.points;
    }
  }
  say(`  ${created.length} accounts, ${created.reduce((s, c) => s + c.view.contacts.length, 0)} contacts, ${grants} grants (${grantedPoints} points)`);

  // The announcement of the new terms goes to the favoured accounts before the calls: they get its points
  // and become `notified`. Drafted, approved and sent as in the console; this process runs no scheduler,
  // so it runs the letter's background batches itself. With SMTP_URL set it also delivers the emails, and
  // the letter is `sent`; without, they wait in the outbox for the server's sender.
  const letters = app.get(LettersService);
  const announcement = await letters.create(DEMO_SENT_LETTER, manager);
  await letters.approve(Number(announcement.id), admin);
  await letters.send(Number(announcement.id), manager);
  await untilIdle(() => letters.runBatch());
  const outbox = app.get(OutboxSender);
  if (outbox.enabled) {
    await outbox.drain();
    // Its emails are no longer pending: this round marks the letter sent.
    await letters.runBatch();
  }

  // Calls. The services stamp createdAt with the current time, so every demo
  // ticket is dated today: backdating would need raw SQL, which would bypass
  // the rules this seed exists to respect.
  const counts = { created: 0, resolved: 0, reclassified: 0, blocked: 0 };
  const byCharge: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const byFault: Record<string, number> = {};
  const weights = created.map((c) => [c, c.plan.callWeight] as const);
  const typeWeights: (readonly [DemoIncidentType | null, number])[] = [...DEMO_INCIDENT_TYPES.map((t) => [t, t.weight] as const), [null, 12]];
  for (let i = 0; i < opts.tickets; i++) {
    const { plan, view } = rng.weighted(weights);
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
    let ticket: TicketView;
    try {
      ticket = await tickets.create({
        accountId: Number(view.id), channel, subject, priority,
        description: `${contact.name} ${channel === 'phone' ? 'called' : channel === 'email' ? 'wrote in' : 'opened a portal request'}: ${subject.replace(/[?.]$/, '')}.`,
        ...(knownOnCall ? { fault: trueFault, incidentTypeId: typeId } : {}),
      }, agent);
      counts.created++;
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
    } catch (err) {
      // A policy set to block shortfalls refuses client-caused calls the balance cannot cover.
      if (err instanceof DomainError && err.code === 'SHORTFALL_BLOCKED') {
        counts.blocked++;
        continue;
      }
      throw err;
    }
    byCharge[ticket.charge.kind] = (byCharge[ticket.charge.kind] ?? 0) + 1;
    byChannel[ticket.channel] = (byChannel[ticket.channel] ?? 0) + 1;
    byFault[ticket.fault] = (byFault[ticket.fault] ?? 0) + 1;
    if ((i + 1) % 100 === 0) say(`  ${i + 1}/${opts.tickets} calls`);
  }

  // A couple of quiet, non-favoured accounts have left: the reports show them.
  const leavers = created.filter((c) => !c.plan.favoured).sort((a, b) => a.plan.callWeight - b.plan.callWeight).slice(0, Math.min(2, Math.floor(created.length / 20)));
  for (const [i, c] of leavers.entries()) await accounts.close(Number(c.view.id), CLOSE_REASONS[i], manager);

  // Bundles bought by the busiest accounts: most paid by bank transfer or check, some awaiting payment, one paid in part.
  const purchases = app.get(PurchasesService);
  const [bundle] = await app.get(BundlesService).onSale();
  const bought = { paid: 0, pending: 0, partial: 0 };
  let portalClient: string | null = null;
  if (bundle) {
    const buyers = created.filter((c) => !leavers.includes(c)).sort((a, b) => b.plan.callWeight - a.plan.callWeight).slice(0, 10);
    for (const [i, c] of buyers.entries()) {
      const p = await purchases.create(manager, Number(c.view.id), { bundleId: bundle.id, quantity: i % 4 === 0 ? 2 : 1 });
      if (i % 3 === 2) {
        bought.pending++;
        continue;
      }
      const partial = i === 4;
      await purchases.pay(manager, Number(p.id), {
        amountCents: partial ? Math.floor(p.amountCents / 2) : p.amountCents, method: rng.chance(0.7) ? 'bank_transfer' : 'check',
        reference: `Remittance for ${p.invoiceNumber}`,
      });
      bought[partial ? 'partial' : 'paid']++;
    }
    // One client user, to try the portal with.
    const first = buyers[0];
    if (first) {
      const email = `client@${first.plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.example`;
      portalClient = await users.create({ email, name: first.plan.contacts[0].name, role: 'client', password: DEMO_PASSWORD, accountId: first.view.id }, admin.id)
        .then((u) => u.email, (err: unknown) => {
          if (err instanceof DomainError && err.code === 'DUPLICATE_EMAIL') return email;
          throw err;
        });
    }
  }

  // A bulk grant without a letter, to the busiest callers of the month (the calls above are all dated today).
  const bulkGrants = app.get(GrantBatchesService);
  let bulk: GrantBatchView | null = null;
  if ((await app.get(SegmentsService).summarize(DEMO_BULK_GRANT.audience, DEMO_BULK_GRANT.points)).accounts > 0) {
    const started = await bulkGrants.start(DEMO_BULK_GRANT, manager);
    await untilIdle(() => bulkGrants.runBatch());
    bulk = await bulkGrants.get(Number(started.id));
  }

  // A follow-up letter still being written.
  const draft = await letters.create(DEMO_DRAFT_LETTER, manager);
  const sentLetter = await letters.get(Number(announcement.id));

  const low = await accounts.search({ lowBalance: true, status: 'active', limit: 1, offset: 0 });
  const favoured = created.filter((c) => c.plan.favoured).length;
  const longStanding = created.filter((c) => today.getUTCFullYear() - Number(c.plan.customerSince.slice(0, 4)) >= 8).length;
  const fmt = (r: Record<string, number>) => Object.entries(r).sort().map(([k, v]) => `${k} ${v}`).join(', ');
  say('');
  say(`Demo data ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  say(`  accounts       ${created.length} (${favoured} favoured, ${longStanding} customers for 8+ years, ${leavers.length} closed); ${low.total} active accounts in the database are low on points`);
  say(`  contacts       ${created.reduce((s, c) => s + c.view.contacts.length, 0)}`);
  say(`  incident types ${[...typeIds.values()].map((t) => `${t.code} (${t.points})`).join(', ')}`);
  say(`  grants         ${grants} (${grantedPoints} points)`);
  say(`  calls          ${counts.created} (${counts.resolved} resolved, ${counts.reclassified} reclassified after resolution${counts.blocked ? `, ${counts.blocked} refused by the shortfall policy` : ''})`);
  say(`                 channel: ${fmt(byChannel)}; fault: ${fmt(byFault)}; charge: ${fmt(byCharge)}`);
  say(`  purchases      ${bought.paid} paid, ${bought.partial} paid in part, ${bought.pending} awaiting payment (${bundle?.name ?? 'no bundle on sale'})`);
  say(`  letters        "${sentLetter.title}" ${sentLetter.status} to ${sentLetter.accounts.done} accounts (${sentLetter.audienceText}) ` +
    `(${sentLetter.grantPoints} points each; ${sentLetter.recipients.total} emails, ${sentLetter.recipients.sent} delivered` +
    `${sentLetter.status === 'sent' ? '' : ', the others wait in the outbox for a server with SMTP_URL set'}); "${draft.title}" a draft`);
  say(bulk
    ? `  bulk grant     ${bulk.points} points to ${bulk.accounts.done} accounts (${bulk.audienceText}), ${bulk.status}`
    : `  bulk grant     none: no account is in "${SegmentsService.describe(DEMO_BULK_GRANT.audience)}"`);
  say(`  staff          ${STAFF.map((s) => `${s.email} (${s.role})`).join(', ')}; password "${DEMO_PASSWORD}"`);
  if (portalClient) say(`  portal         ${portalClient} (client), password "${DEMO_PASSWORD}", at /portal`);
  say('  note           every call is dated today: the services stamp the time a call is logged.');
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
