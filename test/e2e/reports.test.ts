/*
 * API.md "Reports (manager)" and "Audit", issue 6: every figure of the
 * summary, top-accounts and migration reports and of the dashboard series,
 * checked against a dataset built here whose numbers are worked out by hand
 * below; their CSV answers byte for byte; validation 400s naming the field;
 * the audit log's date filter.
 *
 * Rows are made through the API (so created now) and a few are then moved
 * to earlier days by SQL, to known times: OLD (100 days ago, outside the
 * 90-day top-accounts window and the 12-week dashboard), MID (35 days ago,
 * always an earlier month, 23:59:59.999 for the day's last row) and MID+1
 * (00:00:00.000 of the next day, to check both ends of a day).
 */
import request from 'supertest';
import {
  addDays, approvedLetter, at, classifyTicket, csvBytes, getRaw, grant, LetterBody, letterOf, makeAccount, makeIncidentType, makeTicket,
  mondayOf, monthOf, movePayments, moveTicket, runCampaigns, sendLetter, setPolicy, setTime, ticketId, utcDay,
} from '../factories';
import { messageOf } from '../factories/db';
import { buy5get6Id, makePurchase, payPurchase } from '../factories/purchases';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';

interface Summary {
  from: string | null; to: string | null;
  incidents: { total: number; provider: number; client: number; undetermined: number };
  points: { debited: number; granted: number; purchased: number; refunded: number; bonus: number; waived: number; reversed: number; adjusted: number };
  revenueCents: number; feesCents: number; currency: string;
  accounts: { active: number; closed: number; lowBalance: number };
}
interface TopRow { accountId: string; name: string; incidents: number; clientCaused: number; pointsDebited: number }
interface Migration { legacy: number; notified: number; enrolled: number; closedSinceFirstLetter: number; closedBeforeFirstLetter: number; firstLetterAt: string | null }
interface Acc { id: string; name: string }

const NO_POINTS = { debited: 0, granted: 0, purchased: 0, refunded: 0, bonus: 0, waived: 0, reversed: 0, adjusted: 0 };
const NO_INCIDENTS = { total: 0, provider: 0, client: 0, undetermined: 0 };

// The names a spreadsheet could misread: a comma and quotes, a formula, an @, an accent.
const NAMES = {
  A: 'Acme, "Quotes" Ltd',
  B: '=Formula Corp',
  C: 'Café Plain',
  D: 'Dormant Dental',
  E: 'Early Leaver',
  F: 'Favoured Leaver',
  G: 'Glad Terms',
  H: '@Home Helpdesk',
};

describe(`reports: summary, top accounts, migration, dashboard, CSV (${DB})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: TestUser;
  // A, C and F are favoured (the letter goes to them); E is closed before the letter, F after it.
  let A: Acc, B: Acc, C: Acc, D: Acc, E: Acc, F: Acc, G: Acc, H: Acc;
  let letter: LetterBody;
  let migrationBefore: Migration;
  let migrationCsvBefore: Buffer;
  let adjustAuditA: string;
  let adjustAuditC: string;

  const today = utcDay(new Date());
  const MID = addDays(today, -35);
  const MID1 = addDays(MID, 1);
  const OLD = addDays(today, -100);

  const get = async (url: string, as?: TestUser) => {
    const res = await request(t.http).get(url).set((as ?? manager).auth);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ticket = (body: Record<string, unknown>) => ticketId(t, body);
  const classify = (id: string, fault: string) => classifyTicket(t, id, fault);
  const adjust = async (accountId: string, delta: number): Promise<string> =>
    (await request(t.http).post(`/api/accounts/${accountId}/points/adjustments`).set(t.admin.auth).send({ delta, reason: 'correction after review' }).expect(201)).body.id;
  const close = (accountId: string) =>
    request(t.http).post(`/api/accounts/${accountId}/close`).set(t.admin.auth).send({ reason: 'moved to a competitor' }).expect(200);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    manager = await t.user('manager');
    const account = async (key: keyof typeof NAMES, favoured: boolean, i: number): Promise<Acc> => {
      const a = await makeAccount(t, { name: NAMES[key], favoured, contacts: [{ name: `Contact ${key}`, email: `contact.${key.toLowerCase()}${i}@client.test` }] });
      return { id: a.id, name: a.name };
    };
    A = await account('A', true, 1);
    B = await account('B', false, 2);
    C = await account('C', true, 3);
    D = await account('D', false, 4);
    E = await account('E', false, 5);
    F = await account('F', true, 6);
    G = await account('G', false, 7);
    H = await account('H', false, 8);
    const type2 = await makeIncidentType(t, 2);
    await setPolicy(t, { providerFaultBonusPoints: 1 });

    // Shadow mode: client-caused phone calls cost nothing and record what they would have cost.
    await setPolicy(t, { enforceFrom: '2999-01-01' });
    const W1 = await ticket({ accountId: A.id, fault: 'client', incidentTypeId: type2.id }); // waived 2 → MID 23:59:59.999
    await ticket({ accountId: B.id, fault: 'client' }); // W2: waived 1
    await setPolicy(t, { enforceFrom: null });

    const grantA = (await grant(t, A.id, 10)).id; // → MID
    await grant(t, B.id, 1);
    const grantC = (await grant(t, C.id, 3)).id; // → OLD

    // A: 10 → 8 → 7 → (email, portal) → 8 (bonus) → 7 → 8 (refund) → 9 (bonus) → 10 (O2's bonus) → 13 (adjustment) → 15 (letter)
    await ticket({ accountId: A.id, fault: 'client', incidentTypeId: type2.id }); // T1: −2
    await ticket({ accountId: A.id, fault: 'client' }); // T2: −1
    await ticket({ accountId: A.id, channel: 'email', fault: 'client' }); // T3: free by email
    await ticket({ accountId: A.id, channel: 'portal' }); // T4: undetermined
    await ticket({ accountId: A.id, fault: 'provider' }); // T5: bonus +1
    const T6 = await ticket({ accountId: A.id, fault: 'client' }); // −1, then provider: refund +1, bonus +1
    expect((await classify(T6, 'provider')).charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
    const O2 = await ticket({ accountId: A.id, channel: 'email', fault: 'provider' }); // bonus +1 → MID+1 00:00
    await adjust(A.id, 3); // → MID

    // B: 1 → (T7: a 2-point call with 1 point: fee) → 2 (bonus) → 1 (reversal) → 0 (debit)
    const T7 = await makeTicket(t, { accountId: B.id, fault: 'client', incidentTypeId: type2.id });
    expect(T7.body.charge).toEqual({ kind: 'fee', points: 0, feeCents: 7500 });
    const T8 = await ticket({ accountId: B.id, fault: 'provider' });
    expect((await classify(T8, 'client')).charge).toEqual({ kind: 'points', points: 1, feeCents: 0 });

    // C: 3 → 2 (O1, → OLD) → 3 (T10: email, our fault: bonus) → 2 (adjustment) → 4 (letter)
    const O1 = await ticket({ accountId: C.id, fault: 'client' });
    await ticket({ accountId: C.id }); // T9: undetermined
    await ticket({ accountId: C.id, channel: 'email', fault: 'provider' }); // T10
    await adjust(C.id, -1);

    // D: a shortfall fee, voided by reclassifying the call as undetermined.
    const T11 = await makeTicket(t, { accountId: D.id, fault: 'client' });
    expect(T11.body.charge).toEqual({ kind: 'fee', points: 0, feeCents: 7500 });
    expect((await classify(T11.body.id, 'undetermined')).charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });

    // F: one undetermined call; G: a portal call (free) and an undetermined one, and accepts the terms.
    await ticket({ accountId: F.id });
    await ticket({ accountId: G.id, channel: 'portal', fault: 'client' });
    await ticket({ accountId: G.id });
    const clientG = await t.user('client', G.id);
    await request(t.http).post(`/api/accounts/${G.id}/terms/accept`).set(clientG.auth).expect(200);

    // H: two undetermined calls and a paid buy5get6 (6 points, 375.00, enrolled); B a partial payment (100.00, → MID).
    await ticket({ accountId: H.id });
    await ticket({ accountId: H.id, channel: 'email' });
    const bundleId = await buy5get6Id(t);
    const paid = await makePurchase(t, H.id, { bundleId });
    expect(paid.amountCents).toBe(37500);
    expect((await payPurchase(t, paid.id, 37500)).body.status).toBe('paid');
    const partial = await makePurchase(t, B.id, { bundleId });
    expect((await payPurchase(t, partial.id, 10000)).body.status).toBe('pending');

    // E closes before any letter; the funnel as it stood then.
    await close(E.id);
    migrationBefore = await get('/api/reports/migration');
    migrationCsvBefore = (await getRaw(t, '/api/reports/migration?format=csv', manager)).bytes;

    // The letter: 2 points to the favoured active accounts (A, C, F), which become notified; then F leaves.
    letter = await approvedLetter(t, { audience: { favoured: true }, grantPoints: 2 });
    await sendLetter(t, letter.id);
    await runCampaigns(t);
    letter = await letterOf(t, letter.id);
    expect(letter.status).toBe('sent');
    await close(F.id);

    // Into the past.
    await moveTicket(t, W1, at(MID, '23:59:59.999'));
    await moveTicket(t, O2, at(MID1, '00:00:00.000'));
    await moveTicket(t, O1, at(OLD, '10:00:00.000'));
    await setTime(t, 'ledger_entries', 'created_at', [grantA], at(MID, '10:00:00.000'));
    await setTime(t, 'ledger_entries', 'created_at', [grantC], at(OLD, '10:00:00.000'));
    const [adjA] = await t.dataSource.query("SELECT id FROM ledger_entries WHERE account_id = ? AND kind = 'adjustment'", [Number(A.id)]);
    await setTime(t, 'ledger_entries', 'created_at', [adjA.id], at(MID, '10:00:00.000'));
    await movePayments(t, partial.id, at(MID, '10:00:00.000'));
    await setTime(t, 'accounts', 'closed_at', [E.id], at(OLD, '10:00:00.000'));
    // The audit rows of the two adjustments: A's at the very end of MID.
    const audits: { id: number | string; entity_id: string }[] = await t.dataSource.query(
      "SELECT id, entity_id FROM audit_log WHERE action = 'points.adjust' ORDER BY id",
    );
    adjustAuditA = String(audits.find((r) => String(r.entity_id) === A.id)!.id);
    adjustAuditC = String(audits.find((r) => String(r.entity_id) === C.id)!.id);
    await setTime(t, 'audit_log', 'created_at', [adjustAuditA], at(MID, '23:59:59.999'));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('leaves the point bank consistent (the dataset is what the comments say)', async () => {
    await expectLedgerInvariants(t.dataSource);
    const balances: Record<string, number> = {};
    for (const a of [A, B, C, D, E, F, G, H]) balances[a.name] = (await get(`/api/accounts/${a.id}`, t.admin)).balance;
    expect(balances).toEqual({ [A.name]: 15, [B.name]: 0, [C.name]: 4, [D.name]: 0, [E.name]: 0, [F.name]: 2, [G.name]: 0, [H.name]: 6 });
  });

  describe('GET /api/reports/summary', () => {
    const ACCOUNTS_NOW = { active: 6, closed: 2, lowBalance: 3 };

    it('counts everything when no period is given', async () => {
      expect(await get('/api/reports/summary')).toEqual({
        from: null, to: null,
        // 20 calls: A 8 (W1, T1–T6, O2), B 3, C 3, D 1, F 1, G 2, H 2; fault as it is now (T6 provider, T8 client, T11 undetermined).
        incidents: { total: 20, provider: 4, client: 9, undetermined: 7 },
        points: {
          debited: 6, // T1 2, T2 1, T6 1, T8 1, O1 1 (refunds are counted apart)
          granted: 20, // A 10, B 1, C 3, the letter 2 × (A, C, F)
          purchased: 6, refunded: 1, // T6
          bonus: 5, // T5, T6, O2, T8 (taken back), T10
          waived: 3, // W1 2, W2 1
          reversed: 1, // T8
          adjusted: 2, // +3 − 1
        },
        revenueCents: 47500, // 375.00 paid + 100.00 of a pending purchase
        feesCents: 7500, // T7; T11's fee was voided
        currency: 'USD',
        accounts: ACCOUNTS_NOW, // lowBalance: B, D, G at 0
      });
    });

    it('counts a single day: today leaves out every moved row', async () => {
      expect(await get(`/api/reports/summary?from=${today}&to=${today}`)).toEqual({
        from: today, to: today,
        incidents: { total: 17, provider: 3, client: 7, undetermined: 7 },
        points: { debited: 5, granted: 7, purchased: 6, refunded: 1, bonus: 4, waived: 1, reversed: 1, adjusted: -1 },
        revenueCents: 37500, feesCents: 7500, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
    });

    it('takes both ends of a day: 23:59:59.999 is in, 00:00 of the next day is not', async () => {
      expect(await get(`/api/reports/summary?from=${MID}&to=${MID}`)).toEqual({
        from: MID, to: MID,
        incidents: { total: 1, provider: 0, client: 1, undetermined: 0 }, // W1
        points: { ...NO_POINTS, granted: 10, waived: 2, adjusted: 3 },
        revenueCents: 10000, feesCents: 0, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
      expect(await get(`/api/reports/summary?from=${MID1}&to=${MID1}`)).toEqual({
        from: MID1, to: MID1,
        incidents: { total: 1, provider: 1, client: 0, undetermined: 0 }, // O2
        points: { ...NO_POINTS, bonus: 1 },
        revenueCents: 0, feesCents: 0, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
    });

    it('counts a window of several days, and windows open at one end', async () => {
      // Between OLD and today: MID and MID+1 only.
      expect(await get(`/api/reports/summary?from=${addDays(OLD, 1)}&to=${addDays(today, -1)}`)).toMatchObject({
        incidents: { total: 2, provider: 1, client: 1, undetermined: 0 },
        points: { ...NO_POINTS, granted: 10, waived: 2, adjusted: 3, bonus: 1 },
        revenueCents: 10000, feesCents: 0,
      });
      // From MID+1 on: MID+1 and today.
      expect(await get(`/api/reports/summary?from=${MID1}`)).toEqual({
        from: MID1, to: null,
        incidents: { total: 18, provider: 4, client: 7, undetermined: 7 },
        points: { debited: 5, granted: 7, purchased: 6, refunded: 1, bonus: 5, waived: 1, reversed: 1, adjusted: -1 },
        revenueCents: 37500, feesCents: 7500, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
      // Up to MID: OLD and MID.
      expect(await get(`/api/reports/summary?to=${MID}`)).toEqual({
        from: null, to: MID,
        incidents: { total: 2, provider: 0, client: 2, undetermined: 0 }, // O1, W1
        points: { ...NO_POINTS, debited: 1, granted: 13, waived: 2, adjusted: 3 },
        revenueCents: 10000, feesCents: 0, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
      // The OLD day alone, and a day with nothing.
      expect(await get(`/api/reports/summary?from=${OLD}&to=${OLD}`)).toMatchObject({
        incidents: { total: 1, provider: 0, client: 1, undetermined: 0 }, points: { ...NO_POINTS, debited: 1, granted: 3 }, revenueCents: 0,
      });
      expect(await get(`/api/reports/summary?from=${addDays(OLD, -1)}&to=${addDays(OLD, -1)}`)).toEqual({
        from: addDays(OLD, -1), to: addDays(OLD, -1), incidents: NO_INCIDENTS, points: NO_POINTS,
        revenueCents: 0, feesCents: 0, currency: 'USD', accounts: ACCOUNTS_NOW,
      });
    });

    // to=9999-12-31 is a real date ("no end"); its exclusive end, 10000-01-01, must not turn the period into nothing.
    it('counts everything for the widest days a date can name (0001-01-01 to 9999-12-31)', async () => {
      const all = await get('/api/reports/summary');
      const got: Record<string, Summary> = {};
      const expected: Record<string, Summary> = {};
      for (const [from, to] of [['0001-01-01', '9999-12-31'], ['1000-01-01', '9999-12-31'], ['0001-01-01', undefined], [undefined, '9999-12-31'], [undefined, '9999-12-30']]) {
        const q = [from && `from=${from}`, to && `to=${to}`].filter(Boolean).join('&');
        got[q] = await get(`/api/reports/summary?${q}`);
        expected[q] = { ...all, from: from ?? null, to: to ?? null };
      }
      expect(got).toEqual(expected);
    });

    it('answers CSV: metric,value rows, BOM, CRLF, as a download', async () => {
      const all = await getRaw(t, '/api/reports/summary?format=csv', manager);
      expect(all.status).toBe(200);
      expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(all.headers['content-disposition']).toBe('attachment; filename="pointdesk-summary.csv"');
      expect(all.bytes.toString('utf8')).toBe(csvBytes([
        'metric,value', 'from,', 'to,',
        'incidents.total,20', 'incidents.provider,4', 'incidents.client,9', 'incidents.undetermined,7',
        'points.debited,6', 'points.granted,20', 'points.purchased,6', 'points.refunded,1', 'points.bonus,5', 'points.waived,3',
        'points.reversed,1', 'points.adjusted,2',
        'revenueCents,47500', 'feesCents,7500', 'currency,USD',
        'accounts.active,6', 'accounts.closed,2', 'accounts.lowBalance,3',
      ]).toString('utf8'));
      expect(all.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

      const day = await getRaw(t, `/api/reports/summary?from=${today}&to=${today}&format=csv`, manager);
      expect(day.headers['content-disposition']).toBe(`attachment; filename="pointdesk-summary-${today}-to-${today}.csv"`);
      expect(day.bytes).toEqual(csvBytes([
        'metric,value', `from,${today}`, `to,${today}`,
        'incidents.total,17', 'incidents.provider,3', 'incidents.client,7', 'incidents.undetermined,7',
        'points.debited,5', 'points.granted,7', 'points.purchased,6', 'points.refunded,1', 'points.bonus,4', 'points.waived,1',
        'points.reversed,1', 'points.adjusted,-1',
        'revenueCents,37500', 'feesCents,7500', 'currency,USD',
        'accounts.active,6', 'accounts.closed,2', 'accounts.lowBalance,3',
      ]));
    });
  });

  describe('GET /api/reports/top-accounts', () => {
    const row = (a: Acc, incidents: number, clientCaused: number, pointsDebited: number): TopRow =>
      ({ accountId: a.id, name: a.name, incidents, clientCaused, pointsDebited });

    it('ranks the last 90 days by calls, then client-caused calls, then account id; points debited net of refunds', async () => {
      const expected = [
        row(A, 8, 4, 3), // T1 2 + T2 1 + T6 1 − T6's refund 1
        row(B, 3, 3, 1), // T7 was a fee, T8 debited 1
        row(G, 2, 1, 0), // ties with C and H on calls, more client-caused
        row(C, 2, 0, 0), // O1 (100 days ago) is outside the window, and its debit with it
        row(H, 2, 0, 0), // ties with C on both: the older account first
        row(D, 1, 0, 0),
        row(F, 1, 0, 0), // closed, still counted
      ];
      expect(await get('/api/reports/top-accounts')).toEqual(expected);
      expect(await get('/api/reports/top-accounts?days=90&limit=10')).toEqual(expected);
    });

    it('cuts at limit', async () => {
      expect(await get('/api/reports/top-accounts?limit=3')).toEqual([row(A, 8, 4, 3), row(B, 3, 3, 1), row(G, 2, 1, 0)]);
      expect(await get('/api/reports/top-accounts?limit=1')).toEqual([row(A, 8, 4, 3)]);
      expect(await get('/api/reports/top-accounts?limit=200')).toHaveLength(7);
    });

    it('counts only the days asked for', async () => {
      // 30 days: without W1 and O2 (35 days ago).
      expect(await get('/api/reports/top-accounts?days=30')).toEqual([
        row(A, 6, 3, 3), row(B, 3, 3, 1), row(G, 2, 1, 0), row(C, 2, 0, 0), row(H, 2, 0, 0), row(D, 1, 0, 0), row(F, 1, 0, 0),
      ]);
      // A year: O1 counts, and C (3 calls, 1 client-caused, 1 point) moves up past G.
      expect(await get('/api/reports/top-accounts?days=365')).toEqual([
        row(A, 8, 4, 3), row(B, 3, 3, 1), row(C, 3, 1, 1), row(G, 2, 1, 0), row(H, 2, 0, 0), row(D, 1, 0, 0), row(F, 1, 0, 0),
      ]);
      // One day: everything but the moved rows.
      expect(await get('/api/reports/top-accounts?days=1')).toEqual([
        row(A, 6, 3, 3), row(B, 3, 3, 1), row(G, 2, 1, 0), row(C, 2, 0, 0), row(H, 2, 0, 0), row(D, 1, 0, 0), row(F, 1, 0, 0),
      ]);
    });

    it('answers CSV with names quoted and formulas defused', async () => {
      const res = await getRaw(t, '/api/reports/top-accounts?format=csv&limit=10', manager);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="pointdesk-top-accounts-90-days.csv"');
      expect(res.bytes).toEqual(csvBytes([
        'accountId,name,incidents,clientCaused,pointsDebited',
        `${A.id},"Acme, ""Quotes"" Ltd",8,4,3`,
        `${B.id},'=Formula Corp,3,3,1`,
        `${G.id},Glad Terms,2,1,0`,
        `${C.id},Café Plain,2,0,0`,
        `${H.id},'@Home Helpdesk,2,0,0`,
        `${D.id},Dormant Dental,1,0,0`,
        `${F.id},Favoured Leaver,1,0,0`,
      ]));
      const week = await getRaw(t, '/api/reports/top-accounts?format=csv&days=7&limit=2', manager);
      expect(week.headers['content-disposition']).toBe('attachment; filename="pointdesk-top-accounts-7-days.csv"');
      expect(week.bytes).toEqual(csvBytes([
        'accountId,name,incidents,clientCaused,pointsDebited', `${A.id},"Acme, ""Quotes"" Ltd",6,3,3`, `${B.id},'=Formula Corp,3,3,1`,
      ]));
    });
  });

  describe('GET /api/reports/migration', () => {
    it('before any letter: active accounts by policy status, every closed account "before"', () => {
      // Active then: A, B, C, D, F legacy; G (terms) and H (paid purchase) enrolled. E closed.
      expect(migrationBefore).toEqual({ legacy: 5, notified: 0, enrolled: 2, closedSinceFirstLetter: 0, closedBeforeFirstLetter: 1, firstLetterAt: null });
      expect(migrationCsvBefore).toEqual(csvBytes([
        'metric,value', 'legacy,5', 'notified,0', 'enrolled,2', 'closedSinceFirstLetter,0', 'closedBeforeFirstLetter,1', 'firstLetterAt,',
      ]));
    });

    it('after the letter: notified accounts, and closures split at its send start', async () => {
      expect(letter.sendStartedAt).not.toBeNull();
      const expected = { legacy: 2, notified: 2, enrolled: 2, closedSinceFirstLetter: 1, closedBeforeFirstLetter: 1, firstLetterAt: letter.sendStartedAt };
      expect(await get('/api/reports/migration')).toEqual(expected);
      const res = await getRaw(t, '/api/reports/migration?format=csv', manager);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="pointdesk-migration.csv"');
      expect(res.bytes).toEqual(csvBytes([
        'metric,value', 'legacy,2', 'notified,2', 'enrolled,2', 'closedSinceFirstLetter,1', 'closedBeforeFirstLetter,1', `firstLetterAt,${letter.sendStartedAt}`,
      ]));
    });
  });

  describe('GET /api/reports/dashboard', () => {
    const weeks = Array.from({ length: 12 }, (_, i) => addDays(mondayOf(today), -7 * (11 - i)));
    const months = Array.from({ length: 12 }, (_, i) => {
      const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - (11 - i), 1));
      return utcDay(d).slice(0, 7);
    });

    it('gives 12 weeks of incidents by fault and points debited, granted and purchased', async () => {
      const dash = await get('/api/reports/dashboard');
      const incidents = new Map(weeks.map((week) => [week, { week, provider: 0, client: 0, undetermined: 0 }]));
      incidents.get(mondayOf(today))!.provider += 3;
      incidents.get(mondayOf(today))!.client += 7;
      incidents.get(mondayOf(today))!.undetermined += 7;
      incidents.get(mondayOf(MID))!.client += 1; // W1
      incidents.get(mondayOf(MID1))!.provider += 1; // O2
      expect(dash.incidentsByWeek).toEqual([...incidents.values()]);

      const points = new Map(weeks.map((week) => [week, { week, debited: 0, granted: 0, purchased: 0 }]));
      Object.assign(points.get(mondayOf(today))!, { debited: 5, granted: 7, purchased: 6 });
      points.get(mondayOf(MID))!.granted += 10; // A's grant
      expect(dash.pointsByWeek).toEqual([...points.values()]);
      expect(dash.currency).toBe('USD');
    });

    it('gives 12 months of revenue and of closures marked before/since the first letter', async () => {
      const dash = await get('/api/reports/dashboard');
      const revenue = new Map(months.map((month) => [month, { month, revenueCents: 0 }]));
      revenue.get(monthOf(today))!.revenueCents += 37500;
      revenue.get(monthOf(MID))!.revenueCents += 10000;
      expect(dash.revenueByMonth).toEqual([...revenue.values()]);

      const closures = new Map(months.map((month) => [month, { month, closed: 0, closedBefore: 0, closedSince: 0, sinceFirstLetter: month >= monthOf(today) }]));
      Object.assign(closures.get(monthOf(today))!, { closed: 1, closedSince: 1 }); // F, after the letter
      Object.assign(closures.get(monthOf(OLD))!, { closed: 1, closedBefore: 1 }); // E, before it
      expect(dash.closuresByMonth).toEqual([...closures.values()]);
    });

    it('gives the funnel, the top callers and the low-balance accounts to call', async () => {
      const dash = await get('/api/reports/dashboard');
      expect(dash.migration).toEqual(await get('/api/reports/migration'));
      expect(dash.topAccounts).toEqual(await get('/api/reports/top-accounts'));
      const low = (dash.lowBalanceAccounts as { id: string; balance: number; lowBalance: boolean; status: string }[])
        .map((a) => ({ id: a.id, balance: a.balance, lowBalance: a.lowBalance, status: a.status }))
        .sort((x, y) => Number(x.id) - Number(y.id));
      expect(low).toEqual([B, D, G].map((a) => ({ id: a.id, balance: 0, lowBalance: true, status: 'active' })));
    });
  });

  describe('validation: 400 naming the field', () => {
    const cases: [string, string][] = [
      ['/api/reports/summary?from=2026-02-30', 'from'],
      ['/api/reports/summary?from=yesterday', 'from'],
      ['/api/reports/summary?to=2026-13-01', 'to'],
      ['/api/reports/summary?to=2026-1-1', 'to'],
      ['/api/reports/summary?from=2026-11-02&to=2026-11-01', 'to'],
      ['/api/reports/summary?format=xml', 'format'],
      ['/api/reports/top-accounts?days=0', 'days'],
      ['/api/reports/top-accounts?days=-5', 'days'],
      ['/api/reports/top-accounts?days=ninety', 'days'],
      ['/api/reports/top-accounts?days=1.5', 'days'],
      ['/api/reports/top-accounts?days=3661', 'days'],
      ['/api/reports/top-accounts?limit=0', 'limit'],
      ['/api/reports/top-accounts?limit=201', 'limit'],
      ['/api/reports/top-accounts?format=xml', 'format'],
      ['/api/reports/migration?format=xml', 'format'],
      ['/api/audit?from=2026-02-30', 'from'],
      ['/api/audit?to=tomorrow', 'to'],
    ];
    it.each(cases)('%s → 400 naming %s', async (url, field) => {
      const res = await request(t.http).get(url).set(manager.auth);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res.body)).toMatch(new RegExp(`\\b${field}\\b`));
    });

    it('accepts the same day as from and to, and the bounds of days and limit', async () => {
      await request(t.http).get(`/api/reports/summary?from=${today}&to=${today}&format=json`).set(manager.auth).expect(200);
      await request(t.http).get('/api/reports/top-accounts?days=1&limit=1').set(manager.auth).expect(200);
      await request(t.http).get('/api/reports/top-accounts?days=3660&limit=200').set(manager.auth).expect(200);
    });
  });

  describe('GET /api/audit?from=&to=', () => {
    const ids = async (query: string) =>
      ((await get(`/api/audit?action=points.adjust&limit=200${query}`)).items as { id: string }[]).map((i) => i.id);

    it('keeps the rows of the days asked for (UTC, both inclusive)', async () => {
      expect(await ids('')).toEqual([adjustAuditC, adjustAuditA]);
      expect(await ids(`&from=${MID}&to=${MID}`)).toEqual([adjustAuditA]); // written at 23:59:59.999
      expect(await ids(`&from=${MID1}`)).toEqual([adjustAuditC]);
      expect(await ids(`&to=${MID}`)).toEqual([adjustAuditA]);
      expect(await ids(`&to=${addDays(MID, -1)}`)).toEqual([]);
      expect(await ids(`&from=${today}&to=${today}`)).toEqual([adjustAuditC]);
      expect(await ids(`&from=${MID}`)).toEqual([adjustAuditC, adjustAuditA]);
    });

    it('keeps every row for the widest days a date can name (0001-01-01 to 9999-12-31)', async () => {
      const all = await ids('');
      expect(all).toHaveLength(2);
      const got: Record<string, string[]> = {};
      for (const q of ['from=0001-01-01', 'to=9999-12-31', 'from=0001-01-01&to=9999-12-31', 'to=9999-12-30']) got[q] = await ids(`&${q}`);
      expect(got).toEqual({ 'from=0001-01-01': all, 'to=9999-12-31': all, 'from=0001-01-01&to=9999-12-31': all, 'to=9999-12-30': all });
    });

    it('combines the date with the other filters, and total counts the filtered rows', async () => {
      const res = await get(`/api/audit?entityType=account&entityId=${A.id}&from=${MID}&to=${MID}`);
      expect(res.total).toBe(1);
      expect(res.items).toEqual([expect.objectContaining({ id: adjustAuditA, action: 'points.adjust', entityType: 'account', entityId: A.id, createdAt: `${MID}T23:59:59.999Z` })]);
      const todays = await get(`/api/audit?entityType=account&entityId=${A.id}&from=${today}`);
      expect(todays.items.map((i: { action: string }) => i.action)).not.toContain('points.adjust');
      expect(todays.total).toBe(todays.items.length);
      expect(todays.total).toBeGreaterThan(0);
      const byActor = await get(`/api/audit?actorId=${t.admin.id}&action=points.adjust&from=${MID}&to=${MID}`);
      expect(byActor).toMatchObject({ total: 1, items: [expect.objectContaining({ id: adjustAuditA, actorId: t.admin.id })] });
    });
  });
});


describe(`reports: many low balances, other currencies, names a spreadsheet could misread (${DB})`, () => {
  let t: TestApp;
  const low: Acc[] = [];
  let plus: Acc, minus: Acc, twoLines: Acc;

  beforeAll(async () => {
    t = await startTestApp();
    await setPolicy(t, { lowBalanceThreshold: 20 });
    // 12 accounts at or below the threshold: "Low 01" has 11 points … "Low 12" none, so the name order is the reverse of the balance order.
    for (let i = 1; i <= 12; i++) {
      const a = await makeAccount(t, { name: `Low ${String(i).padStart(2, '0')}` });
      if (12 - i > 0) await grant(t, a.id, 12 - i);
      low.push({ id: a.id, name: a.name });
    }
    const named = async (name: string, calls: number): Promise<Acc> => {
      const a = await makeAccount(t, { name });
      await grant(t, a.id, 50);
      for (let i = 0; i < calls; i++) expect((await makeTicket(t, { accountId: a.id, channel: 'email' })).status).toBe(201);
      return { id: a.id, name: a.name };
    };
    plus = await named('+1 Plumbing', 3);
    minus = await named('-Minus Ltd', 2);
    twoLines = await named('Two\nLines "Co"', 1);
    // Paid in euros and in dollars: only the policy currency (USD) is revenue.
    const euro = (await request(t.http).post('/api/bundles').set(t.admin.auth)
      .send({ code: 'euro-one', name: 'One in euros', paidIncidents: 1, bonusIncidents: 0, priceCents: 1000, currency: 'EUR' }).expect(201)).body;
    const eur = await makePurchase(t, plus.id, { bundleId: euro.id });
    expect((await payPurchase(t, eur.id, 1000)).body).toMatchObject({ status: 'paid', currency: 'EUR' });
    const usd = await makePurchase(t, plus.id, { bundleId: await buy5get6Id(t) });
    expect((await payPurchase(t, usd.id, 37500)).body.status).toBe('paid');
  });
  afterAll(async () => { await t?.close(); });

  const get = async (url: string) => (await request(t.http).get(url).set(t.admin.auth).expect(200)).body;

  // The accounts to call first are the emptiest: not the first ten by name, sorted afterwards.
  it('lists the ten lowest balances on the dashboard, lowest first, however they sort by name', async () => {
    const dash = await get('/api/reports/dashboard');
    const got = (dash.lowBalanceAccounts as { name: string; balance: number }[]).map((a) => `${a.name}: ${a.balance}`);
    // Low 12 (0 points) … Low 03 (9 points); Low 01 and Low 02 have the most and are left out.
    expect(got).toEqual(low.slice(2).reverse().map((a, i) => `${a.name}: ${i}`));
  });

  it('counts revenue in the policy currency only, and every purchased point', async () => {
    const summary = await get('/api/reports/summary');
    expect(summary).toMatchObject({ revenueCents: 37500, currency: 'USD', points: { purchased: 7, granted: 66 + 150 }, accounts: { active: 15, closed: 0, lowBalance: 12 } });
    const dash = await get('/api/reports/dashboard');
    expect(dash.revenueByMonth.at(-1)).toEqual({ month: monthOf(utcDay(new Date())), revenueCents: 37500 });
    expect(dash.revenueByMonth.slice(0, -1).every((m: { revenueCents: number }) => m.revenueCents === 0)).toBe(true);
  });

  it('defuses + and - formulas and quotes a name with a line break in CSV', async () => {
    const res = await getRaw(t, '/api/reports/top-accounts?format=csv');
    expect(res.bytes).toEqual(csvBytes([
      'accountId,name,incidents,clientCaused,pointsDebited',
      `${plus.id},'+1 Plumbing,3,0,0`,
      `${minus.id},'-Minus Ltd,2,0,0`,
      `${twoLines.id},"Two\nLines ""Co""",1,0,0`,
    ]));
  });
});
