/*
 * API.md "Low balance and upsell": when an entry moves a balance from above
 * lowBalanceThreshold to at or below it, one low_balance_offer goes to each
 * contact, naming the bundles on sale; no second offer until the balance has
 * risen above the threshold and crossed again. Checked at a real SMTP server.
 */
import request from 'supertest';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { grant, makeAccount, makeIncidentType, makeTicket, setPolicy } from '../factories';
import { startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp } from '../helpers/test-app';

describe('low-balance offers', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, COMPANY_NAME: 'Acme Support Co' } });
    await setPolicy(t, { lowBalanceThreshold: 1 });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const call = async (accountId: string) => {
    const res = await makeTicket(t, { accountId, fault: 'client' });
    expect(res.status).toBe(201);
    expect(res.body.charge.kind).toBe('points');
  };
  const offersFor = async (accountId: string) =>
    (await request(t.http).get(`/api/notifications?accountId=${accountId}&kind=low_balance_offer`).set(t.admin.auth)).body;

  it('queues one offer per contact on each crossing and delivers each once', async () => {
    const a = await makeAccount(t, {
      name: 'Crossing <Widgets> & Co',
      contacts: [
        { name: 'Ann Owner', email: `ann.${process.pid}@client.test` },
        { name: 'Bob <b>Buyer</b>', email: `bob.${process.pid}@client.test` },
      ],
    });
    await grant(t, a.id, 3);
    await call(a.id); // 3 → 2: above the threshold
    expect((await offersFor(a.id)).total).toBe(0);
    await call(a.id); // 2 → 1: crosses
    await call(a.id); // 1 → 0: already low, no second offer
    let offers = await offersFor(a.id);
    expect(offers.total).toBe(2);
    expect(offers.items.map((n: { to: string }) => n.to).sort()).toEqual([`ann.${process.pid}@client.test`, `bob.${process.pid}@client.test`]);
    expect(offers.items.every((n: { status: string }) => n.status === 'pending')).toBe(true);

    const round = await t.app.get(OutboxSender).drain();
    expect(round.sent).toBeGreaterThanOrEqual(2);
    const mails = smtp.received.filter((m) => m.subject.startsWith('Crossing'));
    expect(mails).toHaveLength(2);
    const ann = mails.find((m) => m.to[0].startsWith('ann.'))!;
    expect(ann.subject).toBe('Crossing <Widgets> & Co: 1 point of support left');
    expect(ann.text).toContain('Dear Ann Owner');
    expect(ann.text).toContain('Buy 5 get 6: 6 points (5 paid + 1 free) for $375.00');
    expect(ann.text).toContain('Acme Support Co');
    expect(ann.html).toContain('Crossing &lt;Widgets&gt; &amp; Co');
    const bob = mails.find((m) => m.to[0].startsWith('bob.'))!;
    expect(bob.html).toContain('Bob &lt;b&gt;Buyer&lt;/b&gt;');
    expect(bob.html).not.toContain('<b>Buyer</b>');

    offers = await offersFor(a.id);
    expect(offers.items.every((n: { status: string; sentAt: string | null }) => n.status === 'sent' && n.sentAt)).toBe(true);

    // Rise above the threshold and cross again: a second offer per contact.
    await grant(t, a.id, 2); // 0 → 2
    await call(a.id); // 2 → 1: crosses again
    expect((await offersFor(a.id)).total).toBe(4);
    await t.app.get(OutboxSender).drain();
    expect(smtp.received.filter((m) => m.subject.startsWith('Crossing'))).toHaveLength(4);
  });

  it('does not offer again when a reclassification leaves the balance where it was, but does after a real rise and fall', async () => {
    await setPolicy(t, { lowBalanceThreshold: 2 });
    try {
      const [typeA, typeB] = [await makeIncidentType(t, 2), await makeIncidentType(t, 2)];
      const a = await makeAccount(t);
      await grant(t, a.id, 3);
      const call = await makeTicket(t, { accountId: a.id, fault: 'client', incidentTypeId: typeA.id }); // 3 → 1: crosses
      expect(call.status).toBe(201);
      expect((await offersFor(a.id)).total).toBe(1);

      // Same cost, other type: refund (→ 3) and debit (→ 1) in one transaction. Net: no change, no offer.
      const same = await request(t.http).post(`/api/tickets/${call.body.id}/classify`).set(t.admin.auth).send({ fault: 'client', incidentTypeId: typeB.id });
      expect(same.status).toBe(200);
      expect((await offersFor(a.id)).total).toBe(1);

      // Our fault after all: points back (→ 3). Then client caused again: 3 → 1 crosses anew.
      await request(t.http).post(`/api/tickets/${call.body.id}/classify`).set(t.admin.auth).send({ fault: 'provider' }).expect(200);
      expect((await offersFor(a.id)).total).toBe(1);
      await request(t.http).post(`/api/tickets/${call.body.id}/classify`).set(t.admin.auth).send({ fault: 'client', incidentTypeId: typeA.id }).expect(200);
      expect((await offersFor(a.id)).total).toBe(2);
    } finally {
      await setPolicy(t, { lowBalanceThreshold: 1 });
    }
  });

  it('offers nothing for a closed account', async () => {
    const a = await makeAccount(t);
    await grant(t, a.id, 3);
    await request(t.http).post(`/api/accounts/${a.id}/close`).set(t.admin.auth).send({ reason: 'moved to another provider' }).expect(200);
    await request(t.http).post(`/api/accounts/${a.id}/points/adjustments`).set(t.admin.auth).send({ delta: -3, reason: 'closing balance written off' }).expect(201);
    expect((await offersFor(a.id)).total).toBe(0);
  });
});
