import request from 'supertest';
import { balanceOf, grant, makeAccount, makeIncidentType, makeTicket, setPolicy } from '../factories';
import { expectLedgerInvariants } from '../helpers/invariants';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('charging calls to the point bank', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });
  afterEach(async () => {
    await expectLedgerInvariants(t.dataSource);
    await setPolicy(t, { chargeableChannels: ['phone'], defaultIncidentPoints: 1, providerFaultBonusPoints: 0, onShortfall: 'fee', enforceFrom: null, perIncidentFeeCents: 7500 });
  });

  const entriesOf = async (ticketId: string) => (await request(t.http).get(`/api/tickets/${ticketId}/entries`).set(t.admin.auth)).body as { kind: string; delta: number }[];

  it('debits a client-caused phone call by its incident type points', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 5);
    const type = await makeIncidentType(t, 3);
    const res = await makeTicket(t, { accountId: a.id, fault: 'client', incidentTypeId: type.id });
    expect(res.status).toBe(201);
    expect(res.body.charge).toEqual({ kind: 'points', points: 3, feeCents: 0 });
    expect(res.body.reference).toMatch(/^PD-\d+/);
    expect(await balanceOf(t, a.id)).toBe(2);
    const entries = await entriesOf(res.body.id);
    expect(entries.map((e) => [e.kind, e.delta])).toEqual([['incident', -3]]);
  });

  it('uses defaultIncidentPoints without an incident type', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 5);
    await setPolicy(t, { defaultIncidentPoints: 2 });
    const res = await makeTicket(t, { accountId: a.id, fault: 'client' });
    expect(res.body.charge).toEqual({ kind: 'points', points: 2, feeCents: 0 });
    expect(await balanceOf(t, a.id)).toBe(3);
  });

  it('keeps email and portal free and undetermined calls uncharged', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 5);
    for (const body of [{ channel: 'email', fault: 'client' }, { channel: 'portal', fault: 'client' }, { channel: 'phone' }]) {
      const res = await makeTicket(t, { accountId: a.id, ...body });
      expect(res.status).toBe(201);
      expect(res.body.charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
    }
    expect(await balanceOf(t, a.id)).toBe(5);
  });

  it('bills a shortfall per incident and moves no points', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 1);
    const type = await makeIncidentType(t, 2);
    const res = await makeTicket(t, { accountId: a.id, fault: 'client', incidentTypeId: type.id });
    expect(res.body.charge).toEqual({ kind: 'fee', points: 0, feeCents: 7500 });
    expect(await balanceOf(t, a.id)).toBe(1);
    expect(await entriesOf(res.body.id)).toEqual([]);
  });

  it('refuses a shortfall with 409 and saves nothing when the policy blocks', async () => {
    const a = await makeAccount(t);
    await setPolicy(t, { onShortfall: 'block' });
    const res = await makeTicket(t, { accountId: a.id, fault: 'client' });
    expect(res.status).toBe(409);
    const list = await request(t.http).get(`/api/tickets?accountId=${a.id}`).set(t.admin.auth);
    expect(list.body.total).toBe(0);
  });

  it('records what a call would cost, debiting nothing, before enforceFrom (shadow mode)', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 5);
    await setPolicy(t, { enforceFrom: '2999-01-01' });
    const res = await makeTicket(t, { accountId: a.id, fault: 'client' });
    expect(res.body.charge).toEqual({ kind: 'waived', points: 1, feeCents: 0 });
    expect(await balanceOf(t, a.id)).toBe(5);
  });

  it('gives the provider-fault bonus and takes it back on reclassification', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 2);
    await setPolicy(t, { providerFaultBonusPoints: 1 });
    const res = await makeTicket(t, { accountId: a.id, fault: 'provider' });
    expect(res.body.charge.kind).toBe('none');
    expect(await balanceOf(t, a.id)).toBe(3);
    const again = await request(t.http).post(`/api/tickets/${res.body.id}/classify`).set(t.admin.auth).send({ fault: 'client' });
    expect(again.status).toBe(200);
    expect(again.body.charge).toEqual({ kind: 'points', points: 1, feeCents: 0 });
    expect(await balanceOf(t, a.id)).toBe(1);
    expect((await entriesOf(res.body.id)).map((e) => [e.kind, e.delta])).toEqual([['bonus', 1], ['reversal', -1], ['incident', -1]]);
  });

  it('reclassifies in every direction and the same classification twice changes nothing', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 10);
    const type = await makeIncidentType(t, 4);
    const res = await makeTicket(t, { accountId: a.id });
    const id = res.body.id;
    const classify = (body: object) => request(t.http).post(`/api/tickets/${id}/classify`).set(t.admin.auth).send(body);

    expect((await classify({ fault: 'client', incidentTypeId: type.id })).body.charge.kind).toBe('points');
    expect(await balanceOf(t, a.id)).toBe(6);
    expect((await classify({ fault: 'client', incidentTypeId: type.id })).body.charge.points).toBe(4);
    expect(await balanceOf(t, a.id)).toBe(6);
    expect((await classify({ fault: 'provider' })).body.charge.kind).toBe('none');
    expect(await balanceOf(t, a.id)).toBe(10);
    expect((await classify({ fault: 'client' })).body.charge.points).toBe(4);
    expect(await balanceOf(t, a.id)).toBe(6);
    expect((await classify({ fault: 'undetermined' })).body.charge.kind).toBe('none');
    expect(await balanceOf(t, a.id)).toBe(10);
    expect((await entriesOf(id)).map((e) => e.kind)).toEqual(['incident', 'refund', 'incident', 'refund']);
  });

  it('recomputes when the channel or incident type of a ticket changes', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 10);
    const cheap = await makeIncidentType(t, 1);
    const dear = await makeIncidentType(t, 5);
    const res = await makeTicket(t, { accountId: a.id, fault: 'client', incidentTypeId: cheap.id });
    expect(await balanceOf(t, a.id)).toBe(9);
    const patch = (body: object) => request(t.http).patch(`/api/tickets/${res.body.id}`).set(t.admin.auth).send(body);
    expect((await patch({ incidentTypeId: dear.id })).body.charge).toEqual({ kind: 'points', points: 5, feeCents: 0 });
    expect(await balanceOf(t, a.id)).toBe(5);
    expect((await patch({ channel: 'email' })).body.charge.kind).toBe('none');
    expect(await balanceOf(t, a.id)).toBe(10);
    expect((await patch({ channel: 'phone' })).body.charge.points).toBe(5);
    expect(await balanceOf(t, a.id)).toBe(5);
  });

  it('voids a fee on reclassification and charges points once the balance covers them', async () => {
    const a = await makeAccount(t);
    const res = await makeTicket(t, { accountId: a.id, fault: 'client' });
    expect(res.body.charge.kind).toBe('fee');
    const provider = await request(t.http).post(`/api/tickets/${res.body.id}/classify`).set(t.admin.auth).send({ fault: 'provider' });
    expect(provider.body.charge).toEqual({ kind: 'none', points: 0, feeCents: 0 });
  });

  it('refuses to log a call on a closed account', async () => {
    const a = await makeAccount(t);
    await request(t.http).post(`/api/accounts/${a.id}/close`).set(t.admin.auth).send({ reason: 'moved to a competitor' }).expect(200);
    const res = await makeTicket(t, { accountId: a.id, fault: 'client' });
    expect(res.status).toBe(409);
  });
});
