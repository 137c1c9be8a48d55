/**
 * Word lists and generators for `npm run seed:demo`. Everything comes from a
 * seeded PRNG, so the same seed gives the same companies, people and calls.
 * Emails use the reserved `.example` top-level domain and phone numbers the
 * fictional 555-01xx range, so nothing here can reach a real person.
 */

import { Audience } from '../segments/segments.service';

/** mulberry32: small, fast, good enough for demo data; deterministic per seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An item chosen with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }
}

const COMPANY_FIRST = [
  'Harbor', 'Summit', 'Bluebell', 'Crescent', 'Ironwood', 'Northgate', 'Maple Leaf', 'Riverside', 'Copperfield',
  'Oakridge', 'Silverline', 'Westbrook', 'Granite', 'Pinecrest', 'Lakeshore', 'Redstone', 'Fairview', 'Brightwater',
  'Highland', 'Kestrel', 'Meadowlark', 'Stonebridge', 'Larkspur', 'Cedar Hill', 'Greenfield', 'Blackwell', 'Ashford',
  'Evergreen', 'Foxglove', 'Juniper', 'Marlowe', 'Sterling', 'Thornbury', 'Wexford', 'Alder', 'Beacon',
] as const;

const COMPANY_KIND = [
  'Logistics', 'Dental Group', 'Veterinary Clinic', 'Accounting', 'Builders', 'Insurance Brokers', 'Property Management',
  'Family Practice', 'Engineering', 'Print & Design', 'Legal LLP', 'Auto Repair', 'Bakery', 'Home Care', 'Realty',
  'Plumbing & Heating', 'Outfitters', 'Freight', 'Opticians', 'Landscaping', 'Wholesale', 'Pharmacy', 'Tutoring',
  'Physiotherapy', 'Travel', 'Electrical', 'Catering', 'Architects',
] as const;

const COMPANY_SUFFIX = ['', '', '', ' Ltd', ' Inc.', ' & Co.', ' LLC'] as const;

const FIRST_NAMES = [
  'Alice', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Isabel', 'Jonas', 'Kate', 'Liam', 'Maya',
  'Nikhil', 'Olivia', 'Pedro', 'Quinn', 'Rosa', 'Samuel', 'Tara', 'Umar', 'Vera', 'William', 'Ximena', 'Yusuf', 'Zoe',
  'Anika', 'Brian', 'Chloe', 'Dmitri', 'Emma', 'Felix', 'Hannah', 'Ivan', 'Julia', 'Kevin', 'Lucia', 'Marcus', 'Nora',
  'Oscar', 'Priya', 'Rahul', 'Sofia', 'Tom', 'Wen',
] as const;

const LAST_NAMES = [
  'Andersen', 'Baker', 'Castillo', 'Dubois', 'Evans', 'Fischer', 'García', 'Hughes', 'Ito', 'Jensen', 'Kowalski',
  'Lindqvist', 'Moreau', 'Nakamura', 'O’Brien', 'Patel', 'Quinlan', 'Rossi', 'Schmidt', 'Thompson', 'Ueda', 'Varga',
  'Walsh', 'Xu', 'Young', 'Zimmerman', 'Ahmed', 'Brooks', 'Chen', 'Delgado', 'Eriksen', 'Fernandes', 'Gallagher',
  'Haddad', 'Kim', 'Lopez', 'Murphy', 'Novak', 'Okafor', 'Park', 'Reyes', 'Santos', 'Tanaka', 'Weber',
] as const;

const AREA_CODES = ['212', '303', '312', '415', '503', '512', '617', '702', '808', '919'] as const;

export interface DemoContact { name: string; email: string; phone?: string }
export interface DemoAccount {
  name: string;
  customerSince: string;
  favoured: boolean;
  contacts: DemoContact[];
  /** Relative call volume: a few accounts call far more often than the rest. */
  callWeight: number;
}

function slug(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** `count` distinct accounts with 1–3 contacts each; customerSince between 2008 and the year before `asOf` (when they are entered). */
export function demoAccounts(rng: Prng, count: number, asOf: Date): DemoAccount[] {
  const names = new Set<string>();
  // No first word more often than needed, so the list does not read "Blackwell, Blackwell, Blackwell".
  const perFirstWord = Math.ceil(count / COMPANY_FIRST.length);
  const used = new Map<string, number>();
  const accounts: DemoAccount[] = [];
  const lastYear = asOf.getUTCFullYear() - 1;
  while (accounts.length < count) {
    const first = rng.pick(COMPANY_FIRST);
    const base = `${first} ${rng.pick(COMPANY_KIND)}`;
    if (names.has(base) || (used.get(first) ?? 0) >= perFirstWord) continue;
    names.add(base);
    used.set(first, (used.get(first) ?? 0) + 1);
    const name = `${base}${rng.pick(COMPANY_SUFFIX)}`;
    const domain = `${slug(base)}.example`;
    // Roughly two in five are long-standing (before 2017).
    const year = rng.chance(0.4) ? rng.int(2008, 2016) : rng.int(2017, lastYear);
    const customerSince = `${year}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
    const people = new Set<string>();
    const contacts: DemoContact[] = [];
    const contactCount = rng.weighted([[1, 5], [2, 4], [3, 2]] as const);
    while (contacts.length < contactCount) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      if (people.has(`${first} ${last}`)) continue;
      people.add(`${first} ${last}`);
      const local = rng.chance(0.6) ? `${slug(first)}.${slug(last)}` : `${slug(first)[0]}${slug(last)}`;
      const phone = rng.chance(0.85) ? `+1 ${rng.pick(AREA_CODES)} 555 01${pad(rng.int(0, 99))}` : undefined;
      contacts.push({ name: `${first} ${last}`, email: `${local.replace(/-/g, '')}@${domain}`, ...(phone ? { phone } : {}) });
    }
    accounts.push({
      name,
      customerSince,
      favoured: year <= 2016 ? rng.chance(0.35) : rng.chance(0.08),
      contacts,
      // Pareto-like: most accounts call now and then, a handful every week.
      callWeight: Math.round(100 / Math.pow(1 - rng.next() * 0.9, 1.6)) / 100,
    });
  }
  return accounts;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export interface DemoIncidentType {
  code: string;
  name: string;
  points: number;
  /** How often calls are of this type. */
  weight: number;
  /** Who is usually at fault: the chance it is the client's doing. */
  clientFault: number;
  priority: 'normal' | 'priority' | 'emergency';
  subjects: readonly string[];
  resolutions: readonly string[];
}

export const DEMO_INCIDENT_TYPES: readonly DemoIncidentType[] = [
  {
    code: 'how-to', name: 'How-to question (covered by the manual)', points: 1, weight: 40, clientFault: 0.95, priority: 'normal',
    subjects: [
      'How do I export the monthly VAT report?', 'Where is the setting for invoice numbering?',
      'How to add a new user for the front desk', 'Cannot find where to change the email signature',
      'How do I merge two customer records?', 'Question about printing delivery notes in bulk',
      'How to set up recurring invoices', 'Where do I change the default payment terms?',
    ],
    resolutions: [
      'Walked the caller through the steps and sent the manual page.', 'Explained the setting over the phone; caller confirmed it works.',
      'Shared the how-to article and stayed on the line until done.',
    ],
  },
  {
    code: 'data-fix', name: 'Data correction', points: 2, weight: 18, clientFault: 0.8, priority: 'normal',
    subjects: [
      'Duplicate customer records after import', 'Wrong opening balances entered last month',
      'Deleted a batch of invoices by mistake', 'Stock counts off after manual adjustment', 'Payments posted to the wrong period',
    ],
    resolutions: ['Corrected the records and re-ran the period totals.', 'Restored the deleted rows from the audit trail.', 'Merged the duplicates and re-linked the invoices.'],
  },
  {
    code: 'custom-report', name: 'Custom report', points: 3, weight: 10, clientFault: 1, priority: 'normal',
    subjects: [
      'Need a report of overdue invoices by region', 'Quarterly sales by product line for the board',
      'List of customers without a purchase this year', 'Technician hours per job for payroll',
    ],
    resolutions: ['Built the report and saved it to the shared reports folder.', 'Report delivered as a saved query; showed the client how to re-run it.'],
  },
  {
    code: 'emergency-restore', name: 'Emergency restore from backup', points: 5, weight: 4, clientFault: 0.85, priority: 'emergency',
    subjects: [
      'Server disk failed — need last night’s backup restored', 'Database corrupted after power cut',
      'Ransomware scare: restore yesterday’s data to a clean machine',
    ],
    resolutions: ['Restored last night’s backup; client lost no data.', 'Restored from backup and verified totals with the client.'],
  },
  {
    code: 'integration-setup', name: 'Integration or import setup', points: 2, weight: 10, clientFault: 0.7, priority: 'priority',
    subjects: ['Bank feed stopped importing', 'Set up the import from the new web shop', 'Payroll export file rejected by the bank'],
    resolutions: ['Re-authorised the bank connection; feed is importing again.', 'Configured the import mapping and ran a test file.'],
  },
  {
    code: 'bug', name: 'Software defect', points: 0, weight: 12, clientFault: 0, priority: 'priority',
    subjects: [
      'Invoice PDF shows the wrong tax total', 'App crashes when opening the stock screen',
      'Reminder emails sent twice', 'Report totals differ from the ledger after the update',
    ],
    resolutions: ['Confirmed defect; hotfix installed and verified with the client.', 'Known issue fixed in the latest patch; updated the client’s installation.'],
  },
];

export const UNTYPED_SUBJECTS = [
  'Caller asked about the renewal date', 'Login not working since this morning', 'Printer not picking up the invoice layout',
  'General question about the new support terms', 'Slow screens in the afternoon',
] as const;

export const UNTYPED_RESOLUTIONS = [
  'Answered on the call.', 'Reset the password and confirmed the login works.', 'Explained the new support terms and the point bank.',
] as const;

export interface DemoLetter {
  title: string;
  subject: string;
  body: string;
  audience: Audience;
  grantPoints: number;
}

/** The announcement the demo sends: favoured accounts hear about the new terms first, with points on us. */
export const DEMO_SENT_LETTER: DemoLetter = {
  title: 'New support terms — favoured clients',
  subject: '{{account.name}}: our new support terms, and {{grantPoints}} points on us',
  body: [
    'Dear {{contact.name}},',
    'From the first of next month, support calls about issues on your side are paid for with points from the point bank of {{account.name}}. Calls about faults in our software stay free, as they always have.',
    'You have been with us a long time, so we have added {{grantPoints}} points to your account: your balance goes from {{balance}} to {{balanceAfterGrant}} points.',
    'Questions? Reply to this email or call us as usual.',
    'Kind regards,\nThe support team',
  ].join('\n\n'),
  audience: { favoured: true },
  grantPoints: 5,
};

/** A follow-up still being written: the rest of the clients, no points. */
export const DEMO_DRAFT_LETTER: DemoLetter = {
  title: 'Reminder: new support terms start next month',
  subject: 'Reminder: new support terms for {{account.name}} from next month',
  body: [
    'Dear {{contact.name}},',
    'A short reminder: from the first of next month, calls about issues on your side are paid for with points. Your account has {{balance}} points today; bundles of points are on sale in the client portal.',
    'Kind regards,\nThe support team',
  ].join('\n\n'),
  audience: { favoured: false },
  grantPoints: 0,
};

/** A bulk grant without a letter: the busiest callers of the last month get a cushion for the switch. */
export const DEMO_BULK_GRANT: { audience: Audience; points: number; reason: string } = {
  audience: { minIncidents: 5, incidentWindowDays: 30 },
  points: 3,
  reason: 'Free incidents for our most frequent callers during the switch to points',
};
