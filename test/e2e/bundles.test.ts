/*
 * API.md "Bundles and purchases" (the catalog): GET/POST/PATCH /api/bundles,
 * the default buy5get6, sale windows and `active`, who may do what, the
 * audit trail, and bad input refused with a 4xx naming the field and
 * nothing written.
 */
import request from 'supertest';
import { auditOf, expectNothingWritten, messageOf, tag } from '../factories/db';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';

interface Bundle {
  id: string; code: string; name: string; paidIncidents: number; bonusIncidents: number; points: number;
  priceCents: number; currency: string; active: boolean; availableFrom: string | null; availableUntil: string | null; onSale: boolean;
}

const DAY = 86_400_000;
const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const UNKNOWN_IDS = ['999999', 'abc', '0', '-1', '1.5', '999999999999999'];

describe(`bundles catalog (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let client: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    agent = await t.user('agent');
    const account = await request(t.http).post('/api/accounts').set(t.admin.auth).send({ name: `Bundle buyer ${tag()}` }).expect(201);
    client = await t.user('client', account.body.id);
  });
  afterAll(async () => { await t.close(); });

  const list = async (as: TestUser): Promise<{ items: Bundle[]; total: number }> => {
    const res = await request(t.http).get('/api/bundles').set(as.auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const create = async (body: Record<string, unknown>, as: TestUser = manager): Promise<Bundle> => {
    const res = await request(t.http).post('/api/bundles').set(as.auth)
      .send({ code: `b-${tag()}`, name: 'Test bundle', paidIncidents: 3, bonusIncidents: 1, priceCents: 20000, ...body });
    if (res.status !== 201) throw new Error(`create bundle: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const patch = (id: string, body: object, as: TestUser = manager) => request(t.http).patch(`/api/bundles/${id}`).set(as.auth).send(body);

  describe('the default bundle', () => {
    it('is buy5get6: 5 paid + 1 bonus = 6 points for 5 × perIncidentFeeCents in the policy currency, on sale to everyone', async () => {
      const policy = (await request(t.http).get('/api/policy').set(t.admin.auth).expect(200)).body;
      expect(policy.perIncidentFeeCents).toBeGreaterThan(0);
      for (const who of [agent, client]) {
        const b = (await list(who)).items.find((x) => x.code === 'buy5get6');
        expect(b).toEqual({
          id: expect.any(String), code: 'buy5get6', name: expect.any(String), paidIncidents: 5, bonusIncidents: 1, points: 6,
          priceCents: 5 * policy.perIncidentFeeCents, currency: policy.currency, active: true,
          availableFrom: null, availableUntil: null, onSale: true,
        });
        const one = await request(t.http).get(`/api/bundles/${b!.id}`).set(who.auth);
        expect(one.status).toBe(200);
        expect(one.body).toEqual(b);
      }
    });
  });

  describe('creating and changing bundles', () => {
    it('creates a bundle (201) with points = paid + bonus and the policy currency by default, and audits it', async () => {
      const code = `buy10get12-${tag()}`;
      const res = await request(t.http).post('/api/bundles').set(manager.auth)
        .send({ code, name: '  Buy 10 get 12  ', paidIncidents: 10, bonusIncidents: 2, priceCents: 70000 });
      expect(res.status).toBe(201);
      const policy = (await request(t.http).get('/api/policy').set(t.admin.auth)).body;
      expect(res.body).toEqual({
        id: expect.any(String), code, name: 'Buy 10 get 12', paidIncidents: 10, bonusIncidents: 2, points: 12,
        priceCents: 70000, currency: policy.currency, active: true, availableFrom: null, availableUntil: null, onSale: true,
      });
      expect((await request(t.http).get(`/api/bundles/${res.body.id}`).set(agent.auth)).body).toEqual(res.body);

      const euro = await create({ currency: 'EUR', availableFrom: '2030-01-01', availableUntil: '2030-12-31' });
      expect(euro).toMatchObject({ currency: 'EUR', availableFrom: '2030-01-01', availableUntil: '2030-12-31', onSale: false });

      const audit = await auditOf(t, 'bundle', res.body.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'bundle.create', entityType: 'bundle', entityId: res.body.id, actorId: manager.id,
        after: expect.objectContaining({ code, points: 12, priceCents: 70000 }),
      });
    });

    it('recomputes points on every patch and audits each change with before and after', async () => {
      const b = await create({ paidIncidents: 5, bonusIncidents: 1 });
      let res = await patch(b.id, { paidIncidents: 10 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: b.id, paidIncidents: 10, bonusIncidents: 1, points: 11 });
      res = await patch(b.id, { bonusIncidents: 3, name: 'Buy 10 get 13', priceCents: 65000, currency: 'GBP' });
      expect(res.body).toMatchObject({ paidIncidents: 10, bonusIncidents: 3, points: 13, name: 'Buy 10 get 13', priceCents: 65000, currency: 'GBP' });
      expect((await request(t.http).get(`/api/bundles/${b.id}`).set(agent.auth)).body).toEqual(res.body);

      const audit = await auditOf(t, 'bundle', b.id);
      expect(audit.map((a) => a.action).sort()).toEqual(['bundle.create', 'bundle.update', 'bundle.update']);
      const updates = audit.filter((a) => a.action === 'bundle.update');
      for (const u of updates) expect(u.actorId).toBe(manager.id);
      expect(updates.map((u) => [(u.before as Bundle).points, (u.after as Bundle).points]).sort((x, y) => x[0] - y[0])).toEqual([[6, 11], [11, 13]]);
    });

    it('refuses a new currency without a new price (the price is in the currency), writing nothing', async () => {
      const b = await create({ priceCents: 70000 });
      await expectNothingWritten(t, async () => {
        const res = await patch(b.id, { currency: 'JPY' });
        expect(res.status).toBe(400);
        expect(messageOf(res.body)).toMatch(/priceCents/);
      });
    });

    it('applies two concurrent patches of different fields both (neither writes back a stale copy)', async () => {
      for (let i = 0; i < 5; i++) {
        const b = await create({ paidIncidents: 5, bonusIncidents: 1 });
        const [r1, r2] = await Promise.all([patch(b.id, { name: `Renamed ${i}` }), patch(b.id, { priceCents: 12345 + i })]);
        expect([r1.status, r2.status]).toEqual([200, 200]);
        const now = (await request(t.http).get(`/api/bundles/${b.id}`).set(agent.auth)).body;
        expect(now).toMatchObject({ name: `Renamed ${i}`, priceCents: 12345 + i });
      }
    });

    it('a null date removes the limit; an empty patch changes nothing but is still answered', async () => {
      const b = await create({ availableFrom: utcDay(-30), availableUntil: utcDay(-1) });
      expect(b.onSale).toBe(false);
      const res = await patch(b.id, { availableUntil: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ availableFrom: utcDay(-30), availableUntil: null, onSale: true });
      const same = await patch(b.id, {});
      expect(same.status).toBe(200);
      expect(same.body).toEqual(res.body);
    });

    it('refuses a duplicate code with 409 on create and on patch, writing nothing', async () => {
      const a = await create({});
      const b = await create({});
      await expectNothingWritten(t, async () => {
        const dup = await request(t.http).post('/api/bundles').set(manager.auth)
          .send({ code: a.code, name: 'Copy', paidIncidents: 1, bonusIncidents: 0, priceCents: 100 });
        expect(dup.status).toBe(409);
        expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
        expect(messageOf(dup.body)).toContain('code');
        const def = await request(t.http).post('/api/bundles').set(manager.auth)
          .send({ code: 'buy5get6', name: 'Copy', paidIncidents: 1, bonusIncidents: 0, priceCents: 100 });
        expect(def.status).toBe(409);
        const renamed = await patch(b.id, { code: a.code });
        expect(renamed.status).toBe(409);
        expect(messageOf(renamed.body)).toContain('code');
      });
      // Keeping its own code is no conflict.
      expect((await patch(a.id, { code: a.code, name: 'Same code' })).status).toBe(200);
    });

    it('answers 404 for an id that names nothing, whatever its shape, and writes nothing', async () => {
      for (const id of UNKNOWN_IDS) {
        await expectNothingWritten(t, async () => {
          for (const as of [manager, agent, client]) {
            const got = await request(t.http).get(`/api/bundles/${id}`).set(as.auth);
            expect({ id, role: as.role, status: got.status }).toEqual({ id, role: as.role, status: 404 });
            expect(got.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
          }
          const changed = await patch(id, { name: 'Ghost' });
          expect({ id, status: changed.status }).toEqual({ id, status: 404 });
        });
      }
    });
  });

  describe('validation', () => {
    const valid = () => ({ code: `v-${tag()}`, name: 'Valid bundle', paidIncidents: 2, bonusIncidents: 0, priceCents: 15000 });
    const badCreates: [string, Record<string, unknown>, string[]][] = [
      ['code with capitals and spaces', { code: 'Buy 5 Get 6' }, ['code']],
      ['empty code', { code: '' }, ['code']],
      ['code not a string', { code: 56 }, ['code']],
      ['code too long', { code: 'a'.repeat(51) }, ['code']],
      ['missing code', { code: undefined }, ['code']],
      ['blank name', { name: '   ' }, ['name']],
      ['negative price', { priceCents: -1 }, ['priceCents']],
      ['fractional price', { priceCents: 10.5 }, ['priceCents']],
      ['price as a string', { priceCents: '15000' }, ['priceCents']],
      ['no paid incidents', { paidIncidents: 0 }, ['paidIncidents']],
      ['negative bonus', { bonusIncidents: -1 }, ['bonusIncidents']],
      ['lower-case currency', { currency: 'usd' }, ['currency']],
      ['four-letter currency', { currency: 'EURO' }, ['currency']],
      ['null currency', { currency: null }, ['currency']],
      ['impossible date', { availableFrom: '2026-02-30' }, ['availableFrom']],
      ['date with slashes', { availableUntil: '2026/12/31' }, ['availableUntil']],
      ['date and time', { availableFrom: '2026-12-01T00:00:00Z' }, ['availableFrom']],
      ['until before from', { availableFrom: '2026-12-31', availableUntil: '2026-12-01' }, ['availableUntil']],
      ['unknown field', { colour: 'blue' }, ['colour']],
      ['computed field sent', { points: 99 }, ['points']],
      ['several bad fields', { code: 'X Y', priceCents: -5, currency: 'dollars' }, ['code', 'priceCents', 'currency']],
    ];

    it.each(badCreates)('POST refuses %s with 400 naming the field, writing nothing', async (_name, change, fields) => {
      await expectNothingWritten(t, async () => {
        const res = await request(t.http).post('/api/bundles').set(manager.auth).send({ ...valid(), ...change });
        expect({ status: res.status, body: res.body }).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
        for (const f of fields) expect(messageOf(res.body)).toContain(f);
      });
    });

    const badPatches: [string, Record<string, unknown>, string[]][] = [
      ['null code', { code: null }, ['code']],
      ['bad code', { code: 'no spaces allowed' }, ['code']],
      ['null name', { name: null }, ['name']],
      ['negative price', { priceCents: -100 }, ['priceCents']],
      ['bad currency', { currency: 'E1R' }, ['currency']],
      ['active not a boolean', { active: 'no' }, ['active']],
      ['null active', { active: null }, ['active']],
      ['bad date', { availableFrom: '31.12.2026' }, ['availableFrom']],
      ['until before the stored from', { availableUntil: '2029-12-31' }, ['availableUntil']],
      ['from after the stored until', { availableFrom: '2031-01-01' }, ['availableUntil']],
      ['unknown field', { id: '1' }, ['id']],
      ['computed field sent', { onSale: true }, ['onSale']],
    ];

    let target: Bundle;
    beforeAll(async () => { target = await create({ availableFrom: '2030-01-01', availableUntil: '2030-12-31' }); });

    it.each(badPatches)('PATCH refuses %s with 400 naming the field, writing nothing', async (_name, body, fields) => {
      await expectNothingWritten(t, async () => {
        const res = await patch(target.id, body);
        expect({ status: res.status, body: res.body }).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
        for (const f of fields) expect(messageOf(res.body)).toContain(f);
      });
      expect((await request(t.http).get(`/api/bundles/${target.id}`).set(agent.auth)).body).toEqual(target);
    });
  });

  describe('sale windows and active', () => {
    let byCode: Record<'today' | 'open' | 'future' | 'past' | 'inactive', Bundle>;
    beforeAll(async () => {
      const today = await create({ availableFrom: utcDay(), availableUntil: utcDay() });
      const open = await create({ availableFrom: utcDay(-7) });
      const future = await create({ availableFrom: utcDay(1), availableUntil: utcDay(30) });
      const past = await create({ availableFrom: utcDay(-30), availableUntil: utcDay(-1) });
      const inactive = await create({});
      expect((await patch(inactive.id, { active: false })).body).toMatchObject({ active: false, onSale: false });
      byCode = { today, open, future, past, inactive };
    });

    it('staff see the whole catalog with onSale telling which are on sale today (windows inclusive, UTC days)', async () => {
      for (const who of [agent, manager]) {
        const { items, total } = await list(who);
        expect(total).toBe(items.length);
        const flags = Object.fromEntries(Object.entries(byCode).map(([k, b]) => [k, items.find((x) => x.id === b.id)?.onSale]));
        expect(flags).toEqual({ today: true, open: true, future: false, past: false, inactive: false });
        expect(items.find((x) => x.code === 'buy5get6')?.onSale).toBe(true);
      }
      for (const b of Object.values(byCode)) expect((await request(t.http).get(`/api/bundles/${b.id}`).set(agent.auth)).status).toBe(200);
    });

    it('a client sees only bundles on sale today, and 404 for one that is not', async () => {
      const { items, total } = await list(client);
      expect(total).toBe(items.length);
      expect(items.every((b) => b.onSale && b.active)).toBe(true);
      const ids = items.map((b) => b.id);
      expect(ids).toEqual(expect.arrayContaining([byCode.today.id, byCode.open.id]));
      for (const off of [byCode.future, byCode.past, byCode.inactive]) {
        expect(ids).not.toContain(off.id);
        const res = await request(t.http).get(`/api/bundles/${off.id}`).set(client.auth);
        expect(res.status).toBe(404);
        // The same answer as for a bundle that does not exist.
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
      expect((await request(t.http).get(`/api/bundles/${byCode.today.id}`).set(client.auth)).status).toBe(200);
      // Exactly what the staff list flags as on sale.
      const onSale = (await list(agent)).items.filter((b) => b.onSale).map((b) => b.id);
      expect(ids.sort()).toEqual(onSale.sort());
    });

    it('active: false takes a bundle off sale for clients at once; true puts it back', async () => {
      const b = byCode.open;
      expect((await patch(b.id, { active: false })).body).toMatchObject({ active: false, onSale: false });
      expect((await list(client)).items.map((x) => x.id)).not.toContain(b.id);
      expect((await request(t.http).get(`/api/bundles/${b.id}`).set(client.auth)).status).toBe(404);
      expect((await patch(b.id, { active: true })).body).toMatchObject({ active: true, onSale: true });
      expect((await list(client)).items.map((x) => x.id)).toContain(b.id);
    });
  });

  describe('roles', () => {
    it('anonymous gets 401 for every bundle endpoint', async () => {
      const id = (await list(agent)).items[0].id;
      await expectNothingWritten(t, async () => {
        await request(t.http).get('/api/bundles').expect(401);
        await request(t.http).get(`/api/bundles/${id}`).expect(401);
        await request(t.http).post('/api/bundles').send({ code: `anon-${tag()}`, name: 'Anon', paidIncidents: 1, bonusIncidents: 0, priceCents: 1 }).expect(401);
        await request(t.http).patch(`/api/bundles/${id}`).send({ name: 'Anon' }).expect(401);
      });
    });

    it('an agent or a client can list but not create or change bundles (403, nothing written)', async () => {
      const b = await create({});
      for (const who of [agent, client]) {
        expect((await list(who)).total).toBeGreaterThan(0);
        await expectNothingWritten(t, async () => {
          const res = await request(t.http).post('/api/bundles').set(who.auth)
            .send({ code: `no-${tag()}`, name: 'Not allowed', paidIncidents: 1, bonusIncidents: 0, priceCents: 1 });
          expect({ role: who.role, status: res.status }).toEqual({ role: who.role, status: 403 });
          const changed = await patch(b.id, { priceCents: 1 }, who);
          expect({ role: who.role, status: changed.status }).toEqual({ role: who.role, status: 403 });
        });
      }
    });

    it('a manager and an admin can create and change bundles', async () => {
      for (const who of [manager, t.admin]) {
        const b = await create({}, who);
        expect((await patch(b.id, { name: `Renamed by ${who.role}` }, who)).status).toBe(200);
      }
    });
  });
});
