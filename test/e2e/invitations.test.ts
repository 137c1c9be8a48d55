/*
 * Client users invited by a manager from the account: the invitation email
 * arrives at a real SMTP server with a one-time link; accepting it sets the
 * password, after which the client logs in and sees its own account. A link
 * works once, until it expires or a newer invitation replaces it.
 */
import request from 'supertest';
import { Actor } from '../../src/auth/actor';
import { ERROR_STATUS } from '../../src/common/errors/domain-error';
import { NotificationEntity } from '../../src/notifications/notification.entity';
import { OutboxSender } from '../../src/notifications/outbox-sender';
import { UserInvitationEntity } from '../../src/users/user-invitation.entity';
import { UserError } from '../../src/users/users.errors';
import { UsersRepository } from '../../src/users/users.repository';
import { UsersService } from '../../src/users/users.service';
import { makeAccount } from '../factories';
import { auditOf, expectNothingWritten, messageOf, tag } from '../factories/db';
import { waitUntil } from '../factories/outbox';
import { ReceivedMail, startSmtpSink, SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb } from '../helpers/test-database';
import { consoleSession, visible } from '../helpers/web-pages';

const PUBLIC_URL = 'https://help.acme.example';

describe(`client invitations (${onMariaDb() ? 'MariaDB' : 'SQLite'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let manager: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL, COMPANY_NAME: 'Acme Support Co', INVITATION_TTL_HOURS: '48' } });
    manager = await t.user('manager');
    agent = await t.user('agent');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const invite = (accountId: string, body: object, as: TestUser = manager) =>
    request(t.http).post(`/api/accounts/${accountId}/invitations`).set(as.auth).send(body);
  const accept = (token: string, password: string) => request(t.http).post('/api/invitations/accept').send({ token, password });
  const login = (email: string, password: string) => request(t.http).post('/api/auth/login').send({ email, password });

  /** Delivers the outbox and returns the invitation emails that arrived for `to`, oldest first. */
  const mailsTo = async (to: string): Promise<ReceivedMail[]> => {
    await t.app.get(OutboxSender).drain();
    return smtp.received.filter((m) => m.to.includes(to));
  };
  const tokenIn = (mail: ReceivedMail): string => {
    const m = /https:\/\/help\.acme\.example\/portal\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text);
    if (!m) throw new Error(`no invitation link in:\n${mail.text}`);
    expect(mail.html).toContain(`${PUBLIC_URL}/portal/invitations/${m[1]}`);
    return m[1];
  };
  const newEmail = () => `${tag()}@client.test`;
  /** The token of the newest invitation email queued for `to`, read from the outbox row before it is sent. */
  const queuedToken = async (to: string): Promise<string> => {
    const row = await t.dataSource.getRepository(NotificationEntity).findOne({ where: { to, kind: 'invitation', status: 'pending' }, order: { id: 'DESC' } });
    const m = /\/portal\/invitations\/([A-Za-z0-9_-]+)/.exec(row?.bodyText ?? '');
    if (!m) throw new Error(`no queued invitation for ${to}`);
    return m[1];
  };

  it('emails a one-time link; accepting it sets the password, and the client logs in to its own account', async () => {
    const acc = await makeAccount(t, { name: 'Widgets <& Sons>' });
    const email = newEmail();
    const before = Date.now();
    const res = await invite(acc.id, { name: 'Jane Client', email: email.toUpperCase() });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.any(String), email, name: 'Jane Client', role: 'client', accountId: acc.id, createdAt: expect.any(String) },
      invitation: { expiresAt: expect.any(String) },
    });
    const expiresAt = Date.parse(res.body.invitation.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 48 * 3_600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 48 * 3_600_000 + 1000);

    // Stored: the user, and an invitation holding only the token's SHA-256.
    const rows = await t.dataSource.getRepository(UserInvitationEntity).find({ where: { userId: Number(res.body.user.id) } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]).toMatchObject({ usedAt: null, createdBy: Number(manager.id) });

    const notifications = await request(t.http).get(`/api/notifications?accountId=${acc.id}&kind=invitation`).set(t.admin.auth);
    expect(notifications.body.items).toEqual([expect.objectContaining({ kind: 'invitation', to: email, status: 'pending' })]);

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.subject).toBe('Your invitation to the Acme Support Co client portal for Widgets <& Sons>');
    expect(mail.text).toContain('Dear Jane Client');
    expect(mail.text).toMatch(/Test manager \d+ has invited you/);
    expect(mail.text).toContain('Widgets <& Sons>');
    expect(mail.html).toContain('Widgets &lt;&amp; Sons&gt;');
    expect(mail.text).toContain('expires on');
    expect(mail.text).toContain('48 hours');
    const token = tokenIn(mail);
    expect(rows[0].tokenHash).not.toContain(token);

    // Before accepting, no password opens the account.
    expect((await login(email, 'any-password-1')).status).toBe(401);

    // What the portal page shows for the link.
    const details = await t.app.get(UsersService).invitationFor(token);
    expect(details).toEqual({ email, name: 'Jane Client', accountName: 'Widgets <& Sons>', expiresAt: res.body.invitation.expiresAt });

    const ok = await accept(token, 'my-new-password-1');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: res.body.user.id, email, role: 'client', accountId: acc.id });

    const session = await login(email, 'my-new-password-1');
    expect(session.status).toBe(200);
    const me = await request(t.http).get('/api/auth/me').set({ Authorization: `Bearer ${session.body.accessToken}` });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, email, role: 'client', accountId: acc.id });
    expect((await request(t.http).get(`/api/accounts/${acc.id}`).set({ Authorization: `Bearer ${session.body.accessToken}` })).status).toBe(200);

    // The link is used up: a second accept changes nothing.
    expect(await t.app.get(UsersService).invitationFor(token)).toBeNull();
    await expectNothingWritten(t, async () => {
      const again = await accept(token, 'another-password-2');
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('no longer valid') });
    });
    expect((await login(email, 'another-password-2')).status).toBe(401);
    expect((await login(email, 'my-new-password-1')).status).toBe(200);

    const audit = (await auditOf(t, 'user', res.body.user.id)).map((a) => [a.action, a.actorId]);
    expect(audit).toEqual([['user.invitation.accept', res.body.user.id], ['user.invite', manager.id]]);

    const clients = await t.app.get(UsersService).listClientsOf(Number(acc.id));
    expect(clients).toEqual([expect.objectContaining({ id: res.body.user.id, invitationPending: false })]);

    // Accepted: the email is now taken, even for a new invitation to the same account.
    await expectNothingWritten(t, async () => {
      expect((await invite(acc.id, { name: 'Jane Again', email })).status).toBe(409);
    });
  });

  it('refuses an expired link', async () => {
    const acc = await makeAccount(t);
    const email = newEmail();
    const res = await invite(acc.id, { name: 'Late Larry', email });
    expect(res.status).toBe(201);
    const token = tokenIn((await mailsTo(email))[0]);
    await t.dataSource.createQueryBuilder().update(UserInvitationEntity)
      .set({ expiresAt: new Date(Date.now() - 1000) }).where('user_id = :id', { id: Number(res.body.user.id) }).execute();

    expect(await t.app.get(UsersService).invitationFor(token)).toBeNull();
    await expectNothingWritten(t, async () => {
      const r = await accept(token, 'too-late-password');
      expect(r.status).toBe(404);
    });
    expect((await login(email, 'too-late-password')).status).toBe(401);
    const [listed] = await t.app.get(UsersService).listClientsOf(Number(acc.id));
    expect(listed).toMatchObject({ email, invitationPending: true });
    expect(Date.parse(listed.invitationExpiresAt!)).toBeLessThan(Date.now());
  });

  it('re-inviting sends a new link and kills the old one', async () => {
    const acc = await makeAccount(t);
    const email = newEmail();
    const first = await invite(acc.id, { name: 'Rita Resend', email });
    expect(first.status).toBe(201);
    const oldToken = tokenIn((await mailsTo(email))[0]);

    const second = await invite(acc.id, { name: 'Rita Resent', email });
    expect(second.status).toBe(201);
    expect(second.body.user).toMatchObject({ id: first.body.user.id, name: 'Rita Resent' });
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    const newToken = tokenIn(mails[1]);
    expect(newToken).not.toBe(oldToken);
    expect(mails[1].text).toContain('Dear Rita Resent');

    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM users WHERE email = ?', [email]);
    expect(Number(n)).toBe(1);
    expect(await t.app.get(UsersService).invitationFor(oldToken)).toBeNull();
    await expectNothingWritten(t, async () => {
      expect((await accept(oldToken, 'old-link-password')).status).toBe(404);
    });
    expect((await accept(newToken, 'new-link-password')).status).toBe(200);
    expect((await login(email, 'new-link-password')).status).toBe(200);
  });

  it('lets exactly one of two concurrent accepts of one link through', async () => {
    const acc = await makeAccount(t);
    const email = newEmail();
    expect((await invite(acc.id, { name: 'Racy Rick', email })).status).toBe(201);
    const token = tokenIn((await mailsTo(email))[0]);
    const results = await Promise.all([accept(token, 'first-racer-pass'), accept(token, 'second-racer-pass')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    const winner = results[0].status === 200 ? 'first-racer-pass' : 'second-racer-pass';
    const loser = winner === 'first-racer-pass' ? 'second-racer-pass' : 'first-racer-pass';
    expect((await login(email, winner)).status).toBe(200);
    expect((await login(email, loser)).status).toBe(401);
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND entity_id = ?',
      ['user.invitation.accept', results.find((r) => r.status === 200)!.body.id]);
    expect(Number(n)).toBe(1);
  });

  it('replays a retried invitation (same Idempotency-Key) without a second user or email', async () => {
    const acc = await makeAccount(t);
    const email = newEmail();
    const key = `invite-${tag()}`;
    const a = await invite(acc.id, { name: 'Ida Idem', email }).set('Idempotency-Key', key);
    const b = await invite(acc.id, { name: 'Ida Idem', email }).set('Idempotency-Key', key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('lists the account\'s client users with their pending invitations', async () => {
    const acc = await makeAccount(t);
    const pending = await invite(acc.id, { name: 'Pam Pending', email: newEmail() });
    const direct = await t.user('client', acc.id);
    const other = await makeAccount(t);
    await invite(other.id, { name: 'Not Listed', email: newEmail() });
    const list = await t.app.get(UsersService).listClientsOf(Number(acc.id));
    // By name: "Pam Pending" before "Test client N".
    expect(list.map((u) => [u.id, u.role, u.accountId, u.invitationPending])).toEqual([
      [pending.body.user.id, 'client', acc.id, true],
      [direct.id, 'client', acc.id, false],
    ]);
    expect(list.find((u) => u.id === pending.body.user.id)!.invitationExpiresAt).toBe(pending.body.invitation.expiresAt);
    expect(list.find((u) => u.id === direct.id)!.invitationExpiresAt).toBeNull();
  });

  describe('the one-time link is for the invited client only', () => {
    it('neither the API nor the console shows an invitation email\'s body, and once sent the stored body no longer holds the link', async () => {
      const acc = await makeAccount(t);
      const email = newEmail();
      expect((await invite(acc.id, { name: 'Sue Secret', email })).status).toBe(201);
      const token = await queuedToken(email);
      const [item] = (await request(t.http).get(`/api/notifications?accountId=${acc.id}&kind=invitation`).set(manager.auth)).body.items;
      const staff = await consoleSession(t, 'manager');

      const expectHidden = async (status: string) => {
        for (const who of [manager, t.admin]) {
          const api = await request(t.http).get(`/api/notifications/${item.id}`).set(who.auth);
          expect(api.status).toBe(200);
          expect(api.body).toMatchObject({ id: item.id, kind: 'invitation', to: email, status, bodyText: null, bodyHtml: null, bodyHidden: true });
          expect(api.text).not.toContain(token);
          expect(api.text).not.toContain('/portal/invitations/');
        }
        const page = await staff.agent.get(`/console/outbox/${item.id}`);
        expect(page.status).toBe(200);
        expect(page.text).not.toContain(token);
        expect(page.text).not.toContain('/portal/invitations/');
        expect(page.text).not.toContain('<iframe');
        expect(visible(page.text)).toContain('The body of an invitation email holds a one-time sign-in link for the invited client, so it is not shown');
        expect(visible(page.text)).toContain(`To ${email}`);
      };
      await expectHidden('pending');

      // Sent: the client got the link; the outbox keeps a placeholder instead of it.
      const [mail] = await mailsTo(email);
      expect(tokenIn(mail)).toBe(token);
      const row = (await t.dataSource.getRepository(NotificationEntity).findOneBy({ id: Number(item.id) }))!;
      expect(row.status).toBe('sent');
      for (const body of [row.bodyText, row.bodyHtml]) {
        expect(body).not.toContain(token);
        expect(body).not.toContain('/portal/invitations/');
        expect(body).toContain('one-time sign-in link');
      }
      await expectHidden('sent');

      // The link still works: the invitation keeps only the token's hash, which is all accepting needs.
      expect((await accept(token, 'sent-link-password')).status).toBe(200);
      expect((await login(email, 'sent-link-password')).status).toBe(200);
    });
  });

  describe('concurrent invitations and accepts', () => {
    it('never fails with a 500, and once the invitation is accepted the user cannot be re-invited', async () => {
      const acc = await makeAccount(t);
      for (let round = 0; round < 20; round++) {
        const email = newEmail();
        expect((await invite(acc.id, { name: `Racer ${round}`, email })).status).toBe(201);
        const token = await queuedToken(email);
        let password = `racer-password-${round}`;
        const [accepted, reinvited] = await Promise.all([accept(token, password), invite(acc.id, { name: `Racer ${round}`, email })]);
        // Either the accept ran first (the email now belongs to a client with a password) or the re-invitation did (the old link is dead).
        expect([
          { round, accept: 200, reinvite: 409 },
          { round, accept: 404, reinvite: 201 },
        ]).toContainEqual({ round, accept: accepted.status, reinvite: reinvited.status });
        if (accepted.status !== 200) {
          password = `racer-new-link-${round}`;
          expect((await accept(await queuedToken(email), password)).status).toBe(200);
        }
        expect({ round, reinvite: (await invite(acc.id, { name: `Racer ${round}`, email })).status }).toEqual({ round, reinvite: 409 });
        expect({ round, login: (await login(email, password)).status }).toEqual({ round, login: 200 });
      }
      const clients = await t.app.get(UsersService).listClientsOf(Number(acc.id));
      expect(clients).toHaveLength(20);
      expect(clients.filter((c) => c.invitationPending)).toEqual([]);
    });

    it('invites many clients at once, first invitations and re-invitations, without a 500', async () => {
      const acc = await makeAccount(t);
      const statuses: { email: string; first: number; again: number }[] = [];
      for (let round = 0; round < 6; round++) {
        const emails = Array.from({ length: 8 }, newEmail);
        const first = await Promise.all(emails.map((email) => invite(acc.id, { name: 'Crowd First', email })));
        const again = await Promise.all(emails.map((email) => invite(acc.id, { name: 'Crowd Again', email })));
        statuses.push(...emails.map((email, i) => ({ email, first: first[i].status, again: again[i].status })));
      }
      expect(statuses.filter((s) => s.first !== 201 || s.again !== 201)).toEqual([]);
      const clients = await t.app.get(UsersService).listClientsOf(Number(acc.id));
      expect(clients).toHaveLength(48);
      expect(clients.every((c) => c.invitationPending && c.name === 'Crowd Again')).toBe(true);
    });

    // MariaDB runs REPEATABLE READ: a re-invitation's reads come from the snapshot its transaction started with.
    (onMariaDb() ? it : it.skip)('a re-invitation that has to wait for an accept in progress sees it once it commits (409), and neither fails', async () => {
      const acc = await makeAccount(t);
      const email = newEmail();
      expect((await invite(acc.id, { name: 'Paused Pat', email })).status).toBe(201);
      const token = await queuedToken(email);

      // The accept stops right after claiming the link, inside its transaction, until `release`.
      const repo = t.app.get(UsersRepository);
      const useInvitation = repo.useInvitation.bind(repo);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let claimed!: () => void;
      const claimedLink = new Promise<void>((resolve) => { claimed = resolve; });
      const spy = jest.spyOn(repo, 'useInvitation').mockImplementationOnce(async (...args) => {
        const used = await useInvitation(...args);
        claimed();
        await gate;
        return used;
      });
      try {
        const accepting = accept(token, 'paused-password-1').then((r) => r);
        await claimedLink;
        const reinviting = invite(acc.id, { name: 'Paused Pat', email }).then((r) => r);
        // The accept runs no statement while it is stopped, so a statement of this database that keeps running is the re-invitation waiting for a lock.
        await waitUntil('the re-invitation to wait for a lock the accept holds', async () => {
          const [row] = await t.dataSource.query(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND DB = DATABASE() AND ID <> CONNECTION_ID() AND TIME_MS > 250");
          return Number(row.n) > 0;
        });
        release();
        const [accepted, reinvited] = await Promise.all([accepting, reinviting]);
        expect({ accept: accepted.status, reinvite: reinvited.status }).toEqual({ accept: 200, reinvite: 409 });
      } finally {
        release();
        spy.mockRestore();
      }
      expect((await login(email, 'paused-password-1')).status).toBe(200);
      const [listed] = await t.app.get(UsersService).listClientsOf(Number(acc.id));
      expect(listed).toMatchObject({ email, invitationPending: false });
    });
  });

  describe('refusals', () => {
    it('an agent or a client cannot invite (403), and nothing is written', async () => {
      const acc = await makeAccount(t);
      const client = await t.user('client', acc.id);
      await expectNothingWritten(t, async () => {
        expect((await invite(acc.id, { name: 'Nope', email: newEmail() }, agent)).status).toBe(403);
        expect((await invite(acc.id, { name: 'Nope', email: newEmail() }, client)).status).toBe(403);
        expect((await request(t.http).post(`/api/accounts/${acc.id}/invitations`).send({ name: 'Nope', email: newEmail() })).status).toBe(401);
      });
    });

    it('the service itself refuses anyone below manager (FORBIDDEN → 403), whichever controller calls it', async () => {
      const acc = await makeAccount(t);
      const client = await t.user('client', acc.id);
      const users = t.app.get(UsersService);
      const below: Actor[] = [
        { id: Number(agent.id), role: 'agent', accountId: null },
        { id: Number(client.id), role: 'client', accountId: Number(acc.id) },
      ];
      await expectNothingWritten(t, async () => {
        for (const actor of below) {
          const err = await users.invite(Number(acc.id), { name: 'Nope', email: newEmail() }, actor).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(UserError);
          expect({ role: actor.role, code: (err as UserError).code }).toEqual({ role: actor.role, code: 'FORBIDDEN' });
          expect(ERROR_STATUS[(err as UserError).code]).toBe(403);
        }
      });
      const allowed: Actor[] = [
        { id: Number(manager.id), role: 'manager', accountId: null },
        { id: Number(t.admin.id), role: 'admin', accountId: null },
      ];
      for (const actor of allowed) {
        await expect(users.invite(Number(acc.id), { name: 'Welcome', email: newEmail() }, actor)).resolves.toMatchObject({ user: { role: 'client' } });
      }
    });

    it('the email of a staff user, of another account\'s client or of a client with a password → 409 DUPLICATE_EMAIL, nothing written', async () => {
      const acc = await makeAccount(t);
      const other = await makeAccount(t);
      const otherClient = await t.user('client', other.id);
      const ownClientWithPassword = await t.user('client', acc.id);
      const invitedElsewhere = newEmail();
      expect((await invite(other.id, { name: 'Elsewhere', email: invitedElsewhere })).status).toBe(201);
      for (const email of [agent.email, manager.email, t.admin.email, otherClient.email, ownClientWithPassword.email, invitedElsewhere]) {
        await expectNothingWritten(t, async () => {
          const res = await invite(acc.id, { name: 'Taken', email });
          expect({ email, status: res.status }).toEqual({ email, status: 409 });
          expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'DUPLICATE_EMAIL' });
        });
      }
      expect((await login(agent.email, 'user-password-1')).status).toBe(200);
    });

    it('a closed account → 409, an unknown account → 404', async () => {
      const acc = await makeAccount(t);
      await request(t.http).post(`/api/accounts/${acc.id}/close`).set(t.admin.auth).send({ reason: 'went elsewhere' }).expect(200);
      await expectNothingWritten(t, async () => {
        const closed = await invite(acc.id, { name: 'Too Late', email: newEmail() });
        expect(closed.status).toBe(409);
        expect(closed.body.code).toBe('ACCOUNT_CLOSED');
        for (const id of ['999999', 'abc']) expect((await invite(id, { name: 'Ghost', email: newEmail() })).status).toBe(404);
      });
    });

    it('bad input is 400 and names the field', async () => {
      const acc = await makeAccount(t);
      const cases: [string, object, string[]][] = [
        [`/api/accounts/${acc.id}/invitations`, {}, ['name', 'email']],
        [`/api/accounts/${acc.id}/invitations`, { name: 'X', email: 'not-an-email' }, ['email']],
        [`/api/accounts/${acc.id}/invitations`, { name: '   ', email: newEmail() }, ['name']],
        [`/api/accounts/${acc.id}/invitations`, { name: 'X', email: newEmail(), role: 'admin' }, ['role']],
        ['/api/invitations/accept', {}, ['token', 'password']],
        ['/api/invitations/accept', { token: 'abc', password: 'short' }, ['password']],
        ['/api/invitations/accept', { token: 5, password: 'long-enough-1' }, ['token']],
        ['/api/invitations/accept', { token: 'abc', password: 'long-enough-1', userId: '1' }, ['userId']],
      ];
      for (const [url, body, fields] of cases) {
        await expectNothingWritten(t, async () => {
          const res = await request(t.http).post(url).set(manager.auth).send(body);
          expect({ url, body, status: res.status }).toEqual({ url, body, status: 400 });
          for (const f of fields) expect(messageOf(res.body)).toContain(f);
        });
      }
    });

    it('an unknown token → 404', async () => {
      await expectNothingWritten(t, async () => {
        const res = await accept('no-such-token-at-all', 'long-enough-1');
        expect(res.status).toBe(404);
      });
      expect(await t.app.get(UsersService).invitationFor('no-such-token-at-all')).toBeNull();
    });
  });
});
