/*
 * Account search is answered from an index each process keeps in memory.
 * Two instances on one database: whatever one of them changes (a new
 * account, a rename, a contact, favoured, a closure) the other's very next
 * search shows, also when several searches arrive at once; a change
 * committed a little after it was stamped is still picked up.
 */
import request from 'supertest';
import { makeAccount } from '../factories';
import { tag } from '../factories/db';
import { sharedTestDatabase, startTestApp, TestApp, TestUser } from '../helpers/test-app';
import { onMariaDb, TestDatabase } from '../helpers/test-database';

const DB = onMariaDb() ? 'MariaDB' : 'SQLite';

describe(`account search across instances (${DB})`, () => {
  let db: TestDatabase;
  let writer: TestApp;
  let reader: TestApp;
  let agent: TestUser;
  const mark = tag();

  beforeAll(async () => {
    db = await sharedTestDatabase();
    writer = await startTestApp({ database: db });
    reader = await startTestApp({ database: db });
    agent = await writer.user('agent');
    await makeAccount(writer, { name: `Preloaded${mark} Ltd` });
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await db?.drop();
  });

  const search = async (q: string, extra: Record<string, string> = {}) => {
    const res = await request(reader.http).get('/api/accounts').query({ q, ...extra }).set(agent.auth);
    expect(res.status).toBe(200);
    return res.body as { items: { id: string; name: string; favoured: boolean; status: string; contacts: { email: string }[] }[]; total: number };
  };

  it('loads what was there before its first search', async () => {
    expect((await search(`preloaded${mark}`)).total).toBe(1);
  });

  it("shows the other instance's changes on the next search", async () => {
    const a = await makeAccount(writer, { name: `Harbour${mark} Supplies` });
    expect((await search(`harbour${mark}`)).items.map((x) => x.id)).toEqual([a.id]);

    await request(writer.http).patch(`/api/accounts/${a.id}`).set(writer.admin.auth).send({ name: `Lighthouse${mark} Supplies`, favoured: true }).expect(200);
    expect((await search(`harbour${mark}`)).total).toBe(0);
    expect((await search(`lighthouse${mark}`, { favoured: 'true' })).items.map((x) => x.id)).toEqual([a.id]);

    await request(writer.http).post(`/api/accounts/${a.id}/contacts`).set(writer.admin.auth)
      .send({ name: `Keeper${mark} Quinn`, email: `quinn.${mark}@lighthouse.example`, phone: '+44 20 7946 0311' }).expect(201);
    expect((await search(`keeper${mark}`)).items.map((x) => x.id)).toEqual([a.id]);
    expect((await search(`quinn.${mark}@light`)).items[0].contacts.map((c) => c.email)).toContain(`quinn.${mark}@lighthouse.example`);

    await request(writer.http).post(`/api/accounts/${a.id}/close`).set(writer.admin.auth).send({ reason: 'Moved to a competitor' }).expect(200);
    expect((await search(`lighthouse${mark}`, { status: 'active' })).total).toBe(0);
    expect((await search(`lighthouse${mark}`, { status: 'closed' })).items.map((x) => x.status)).toEqual(['closed']);
  });

  it('answers every search that starts after a change with that change, however many arrive at once', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `Burst${mark}r${round}`;
      const a = await makeAccount(writer, { name });
      const results = await Promise.all(Array.from({ length: 12 }, () => search(name.toLowerCase())));
      expect(results.map((r) => r.items.map((x) => x.id))).toEqual(results.map(() => [a.id]));
    }
  });

  it('adds contacts to one account from many requests at once, and finds each', async () => {
    const a = await makeAccount(writer, { name: `Crowded${mark} Co` });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => request(writer.http).post(`/api/accounts/${a.id}/contacts`)
      .set(writer.admin.auth).send({ name: `Caller${mark}n${i} Doe`, email: `caller${i}.${mark}@crowded.example` })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    for (let i = 0; i < 8; i++) expect((await search(`caller${mark}n${i}`)).items.map((x) => x.id)).toEqual([a.id]);
  });

  (onMariaDb() ? it : it.skip)('finds a rename that waited seconds for the row lock before it could commit (MariaDB)', async () => {
    const a = await makeAccount(writer, { name: `Waiting${mark} Ltd` });
    expect((await search(`waiting${mark}`)).total).toBe(1);
    // Another transaction holds the row (as a long batch's foreign-key checks would) for longer than the look-back.
    const holder = writer.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT id FROM accounts WHERE id = ? LOCK IN SHARE MODE', [Number(a.id)]);
    const rename = request(writer.http).patch(`/api/accounts/${a.id}`).set(writer.admin.auth).send({ name: `Patient${mark} Ltd` });
    const renamed = rename.then((r) => r);
    await new Promise((r) => setTimeout(r, 7000));
    // Searches keep coming meanwhile, each moving the reader's mark on.
    expect((await search(`patient${mark}`)).total).toBe(0);
    await holder.commitTransaction();
    await holder.release();
    expect((await renamed).status).toBe(200);
    expect((await search(`patient${mark}`)).items.map((x) => x.id)).toEqual([a.id]);
  }, 30_000);

  it('finds a new account that carries no stamp (as an instance of an older version would write it)', async () => {
    expect((await search(`unstamped${mark}`)).total).toBe(0);
    await writer.dataSource.query(
      "INSERT INTO accounts (name, favoured, status, policy_status, created_at) VALUES (?, ?, 'active', 'legacy', ?)",
      [`Unstamped${mark} GmbH`, 0, new Date().toISOString().replace('T', ' ').replace('Z', '')],
    );
    expect((await search(`unstamped${mark}`)).items.map((x) => x.name)).toEqual([`Unstamped${mark} GmbH`]);
  });

  it('picks up a change committed a few seconds after it was stamped', async () => {
    const a = await makeAccount(writer, { name: `Slowpoke${mark} Inc` });
    expect((await search(`slowpoke${mark}`)).total).toBe(1);
    // As a transaction that stamped the row 3 s ago and commits only now would leave it.
    await writer.dataSource.query('UPDATE accounts SET name = ?, changed_at = ? WHERE id = ?', [
      `Tortoise${mark} Inc`, new Date(Date.now() - 3000).toISOString().replace('T', ' ').replace('Z', ''), Number(a.id),
    ]);
    expect((await search(`tortoise${mark}`)).items.map((x) => x.id)).toEqual([a.id]);
    expect((await search(`slowpoke${mark}`)).total).toBe(0);
  });
});
