import request from 'supertest';
import { GrantBatchesService } from '../../src/grant-batches/grant-batches.service';
import { LettersService } from '../../src/letters/letters.service';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { TestApp, TestUser } from '../helpers/test-app';

/** A letter as GET /api/letters/:id answers it. */
export interface LetterBody {
  id: string; title: string; subject: string; body: string; grantPoints: number;
  audience: Record<string, unknown>; audienceText: string;
  status: 'draft' | 'approved' | 'sending' | 'sent';
  recipients: { total: number; sent: number; failed: number; pending: number };
  accounts: { total: number; pending: number; done: number; skipped: number };
  createdById: string; approvedById: string | null; sentById: string | null;
  createdAt: string; approvedAt: string | null; sendStartedAt: string | null; sentAt: string | null;
}

export interface LetterInput {
  title?: string; subject?: string; body?: string; audience?: Record<string, unknown>; grantPoints?: number;
}

let n = 0;

/** A valid letter body; every merge field is used once. */
export function letterInput(overrides: LetterInput = {}): Required<Pick<LetterInput, 'title' | 'subject' | 'body' | 'audience'>> & LetterInput {
  const i = ++n;
  return {
    title: `Letter ${i} ${process.pid}`,
    subject: '{{account.name}}: your support points',
    body: 'Dear {{contact.name}},\n\nYou have {{balance}} service points. We add {{grantPoints}}, '
      + 'so you will have {{balanceAfterGrant}}.\n\nKind regards',
    audience: {},
    ...overrides,
  };
}

/** Drafts a letter through the API (as `as`, the admin by default). */
export async function makeLetter(t: TestApp, overrides: LetterInput = {}, as?: TestUser): Promise<LetterBody> {
  const res = await request(t.http).post('/api/letters').set((as ?? t.admin).auth).send(letterInput(overrides));
  if (res.status !== 201) throw new Error(`makeLetter: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function approveLetter(t: TestApp, id: string, as?: TestUser): Promise<LetterBody> {
  const res = await request(t.http).post(`/api/letters/${id}/approve`).set((as ?? t.admin).auth);
  if (res.status !== 200) throw new Error(`approveLetter: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Starts sending an approved letter (202); the batches are left to the caller. */
export async function sendLetter(t: TestApp, id: string, as?: TestUser): Promise<LetterBody> {
  const res = await request(t.http).post(`/api/letters/${id}/send`).set((as ?? t.admin).auth);
  if (res.status !== 202) throw new Error(`sendLetter: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Drafts and approves a letter. */
export async function approvedLetter(t: TestApp, overrides: LetterInput = {}): Promise<LetterBody> {
  const letter = await makeLetter(t, overrides);
  return approveLetter(t, letter.id);
}

export async function letterOf(t: TestApp, id: string): Promise<LetterBody> {
  const res = await request(t.http).get(`/api/letters/${id}`).set(t.admin.auth);
  if (res.status !== 200) throw new Error(`letterOf: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * What the scheduler does for a campaign, run by hand (tests boot with the
 * scheduler off): letter batches until none is left, outbox rounds until
 * nothing is due, and one more batch round, which marks finished letters sent.
 * Stops after `maxRounds` rounds so a campaign that never finishes fails the test.
 */
export async function runCampaigns(t: TestApp, maxRounds = 1000): Promise<void> {
  const letters = t.app.get(LettersService);
  const sender = t.app.get(OutboxSender);
  for (let i = 0; i < maxRounds; i++) {
    const accounts = await letters.runBatch();
    const mails = await sender.drain();
    if (accounts === 0 && mails.claimed === 0) {
      await letters.runBatch();
      return;
    }
  }
  throw new Error(`runCampaigns: still busy after ${maxRounds} rounds`);
}

/** Bulk grant batches until none is left, and one more round, which marks finished ones done. */
export async function runGrantBatches(t: TestApp, maxRounds = 1000): Promise<void> {
  const batches = t.app.get(GrantBatchesService);
  for (let i = 0; i < maxRounds; i++) {
    if ((await batches.runBatch()) === 0) return;
  }
  throw new Error(`runGrantBatches: still busy after ${maxRounds} rounds`);
}
