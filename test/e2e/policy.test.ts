import request from 'supertest';
import { grant, makeAccount } from '../factories';
import { expectNothingWritten } from '../factories/db';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';

const DEFAULTS = {
  chargeableChannels: ['phone'],
  defaultIncidentPoints: 1,
  providerFaultBonusPoints: 0,
  lowBalanceThreshold: 1,
  perIncidentFeeCents: 7500,
  currency: 'USD',
  onShortfall: 'fee',
  enforceFrom: null,
};

describe('policy', () => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let client: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    agent = await t.user('agent');
    client = await t.user('client', (await makeAccount(t)).id);
  });
  afterAll(async () => { await t.close(); });

  const getPolicy = (as: TestUser = agent) => request(t.http).get('/api/policy').set(as.auth);
  const patch = (body: object, as: TestUser = t.admin) => request(t.http).patch('/api/policy').set(as.auth).send(body);

  it('starts from the defaults of API.md on a fresh database', async () => {
    // Runs first: nothing has changed the policy yet.
    const res = await getPolicy();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(DEFAULTS);
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(Object.keys(DEFAULTS)));
    expect(res.body.enforceFrom).toBeNull();
  });

  it('refuses PATCH from a manager, an agent and a client with 403, changing nothing', async () => {
    await expectNothingWritten(t, async () => {
      for (const who of [manager, agent, client]) {
        const res = await patch({ defaultIncidentPoints: 5 }, who);
        expect({ role: who.role, status: res.status }).toEqual({ role: who.role, status: 403 });
      }
    });
    expect((await getPolicy()).body).toMatchObject(DEFAULTS);
  });

  it('lets the admin change every field at once and returns the new policy', async () => {
    const next = {
      chargeableChannels: ['phone', 'email'],
      defaultIncidentPoints: 2,
      providerFaultBonusPoints: 1,
      lowBalanceThreshold: 3,
      perIncidentFeeCents: 9900,
      currency: 'EUR',
      onShortfall: 'block',
      enforceFrom: '2027-01-01',
    };
    const res = await patch(next);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(next);
    expect((await getPolicy()).body).toMatchObject(next);
    const back = await patch(DEFAULTS);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject(DEFAULTS);
  });

  it('changes only the fields sent', async () => {
    const res = await patch({ perIncidentFeeCents: 5000 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...res.body, ...DEFAULTS, perIncidentFeeCents: 5000 });
    const res2 = await patch({ chargeableChannels: [] });
    expect(res2.body).toMatchObject({ ...DEFAULTS, perIncidentFeeCents: 5000, chargeableChannels: [] });
    await patch(DEFAULTS).expect(200);
  });

  it('keeps its values through a round trip to the database (after the 2-second cache)', async () => {
    const next = { chargeableChannels: ['email', 'phone'], enforceFrom: '2027-03-15', currency: 'GBP', onShortfall: 'block' };
    await patch(next).expect(200);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await getPolicy();
    expect(res.body).toMatchObject({ ...next, chargeableChannels: expect.arrayContaining(['email', 'phone']) });
    expect(res.body.chargeableChannels).toHaveLength(2);
    expect(res.body.enforceFrom).toBe('2027-03-15');
    await patch(DEFAULTS).expect(200);
  });

  it("moves every account's lowBalance with lowBalanceThreshold", async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 3);
    const view = async () => (await request(t.http).get(`/api/accounts/${a.id}`).set(agent.auth)).body;
    expect(await view()).toMatchObject({ balance: 3, lowBalance: false });
    await patch({ lowBalanceThreshold: 3 }).expect(200);
    expect(await view()).toMatchObject({ balance: 3, lowBalance: true });
    await patch({ lowBalanceThreshold: 1 }).expect(200);
    expect(await view()).toMatchObject({ lowBalance: false });
  });
});
