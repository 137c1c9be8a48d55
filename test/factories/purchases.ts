import request from 'supertest';
import { TestApp, TestUser } from '../helpers/test-app';

export interface PurchaseBody {
  id: string; invoiceNumber: string; accountId: string; bundleId: string; description: string; quantity: number; points: number;
  amountCents: number; paidCents: number; balanceDueCents: number; currency: string; status: string;
  createdAt: string; paidAt: string | null; cancelledAt: string | null;
}

/** The id of the default "buy 5 get 6" bundle every new database has. */
export async function buy5get6Id(t: TestApp): Promise<string> {
  const res = await request(t.http).get('/api/bundles').set(t.admin.auth);
  const b = (res.body.items as { id: string; code: string }[]).find((x) => x.code === 'buy5get6');
  if (!b) throw new Error('buy5get6 bundle missing');
  return b.id;
}

/** Creates a pending purchase through the API (as the admin unless `as`). */
export async function makePurchase(t: TestApp, accountId: string, body: { bundleId: string; quantity?: number }, as?: TestUser): Promise<PurchaseBody> {
  const res = await request(t.http).post(`/api/accounts/${accountId}/purchases`).set((as ?? t.admin).auth).send(body);
  if (res.status !== 201) throw new Error(`makePurchase: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Records a payment through the API as the admin (or `as`); returns the raw response. */
export function payPurchase(t: TestApp, purchaseId: string, amountCents: number, opts: { method?: string; reference?: string; as?: TestUser; key?: string } = {}) {
  const req = request(t.http).post(`/api/purchases/${purchaseId}/payments`).set((opts.as ?? t.admin).auth);
  if (opts.key) req.set('Idempotency-Key', opts.key);
  return req.send({ amountCents, method: opts.method ?? 'bank_transfer', ...(opts.reference ? { reference: opts.reference } : {}) });
}
