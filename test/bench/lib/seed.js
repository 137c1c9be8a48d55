'use strict';

const { performance } = require('node:perf_hooks');
const { Faker } = require('./fixtures');
const { mapLimit } = require('./http');

const AGENT = { email: 'bench.agent@pointdesk.example', name: 'Bench Agent', role: 'agent', password: 'bench-agent-password' };

/**
 * Fills a fresh Pointdesk through its own API, so everything derived (search
 * terms, zero balances, audit rows) is built by the app itself:
 *  - `accounts` accounts with 1–2 contacts each (POST /api/accounts, as admin);
 *  - a grant of `fundedPoints` to the first `fundedAccounts` of them;
 *  - an agent user, logged in, whose token the load tests use.
 */
async function seed(api, admin, cfg, log) {
  const faker = new Faker(cfg.seed);
  const specs = Array.from({ length: cfg.accounts }, (_, i) => faker.account(i + 1));
  const { accessToken: adminToken } = await api.login(admin.email, admin.password);

  const started = performance.now();
  const step = Math.max(1, Math.round(cfg.accounts / 10));
  const accounts = await mapLimit(
    specs,
    cfg.seedConcurrency,
    // Safety net: before 033b841 concurrent account creation deadlocked inside
    // Pointdesk (transaction rolled back, 500). Such calls are retried and the
    // summary counts them, so a regression shows up without failing the bench.
    (spec) => api.post('/api/accounts', spec, adminToken, { retry5xx: 50, kind: 'POST /api/accounts' }),
    (done, total) => { if (done % step === 0 || done === total) log(`  accounts ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`); },
  );
  const accountSeconds = (performance.now() - started) / 1000;

  const funded = accounts.slice(0, cfg.fundedAccounts).map((a) => a.id);
  const grantsStarted = performance.now();
  await mapLimit(funded, cfg.seedConcurrency, (id) =>
    api.post(`/api/accounts/${id}/points/grants`, { points: cfg.fundedPoints, reason: 'Bench starting balance' }, adminToken, {
      // With an Idempotency-Key a retried grant can never be applied twice.
      headers: { 'idempotency-key': `bench-grant-${id}` }, retry5xx: 10, kind: 'POST /api/accounts/:id/points/grants',
    }));
  const grantSeconds = (performance.now() - grantsStarted) / 1000;

  await api.post('/api/users', AGENT, adminToken);
  const { accessToken: agentToken, user: agent } = await api.login(AGENT.email, AGENT.password);

  return {
    accountIds: accounts.map((a) => a.id),
    fundedIds: funded,
    contacts: accounts.reduce((n, a) => n + a.contacts.length, 0),
    fragments: faker.fragments(specs, 2000),
    retried: { ...api.retried },
    agentToken,
    agentId: agent.id,
    adminToken,
    accountSeconds,
    grantSeconds,
    seconds: (performance.now() - started) / 1000,
  };
}

module.exports = { seed };
