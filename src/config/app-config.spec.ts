import { buildConfig } from './app-config';

describe('buildConfig', () => {
  it('runs on embedded SQLite with documented defaults when nothing is set', () => {
    const c = buildConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ type: 'sqlite', path: './data/pointdesk.sqlite' });
    expect(c.schedulerEnabled).toBe(true);
    expect(c.sessionSecretGenerated).toBe(true);
    expect(c.sessionSecret).toHaveLength(64);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('uses MySQL when DATABASE_URL is a mysql:// URL', () => {
    const c = buildConfig({ DATABASE_URL: 'mysql://u:p@db:3306/pointdesk', PORT: '8080', SCHEDULER_ENABLED: 'false' });
    expect(c.database).toEqual({ type: 'mysql', url: 'mysql://u:p@db:3306/pointdesk', poolSize: 20 });
    expect(c.port).toBe(8080);
    expect(c.schedulerEnabled).toBe(false);
  });

  it('runs one process unless WEB_CONCURRENCY asks for workers, which need MySQL', () => {
    expect(buildConfig({}).workers).toBe(1);
    expect(buildConfig({ DATABASE_URL: 'mysql://u:p@db:3306/pointdesk', WEB_CONCURRENCY: '4' }).workers).toBe(4);
    expect(() => buildConfig({ WEB_CONCURRENCY: '2' })).toThrow(/WEB_CONCURRENCY: more than one worker needs DATABASE_URL/);
    expect(buildConfig({ WEB_CONCURRENCY: '1' }).workers).toBe(1);
    expect(() => buildConfig({ DATABASE_URL: 'mysql://u:p@db:3306/pointdesk', WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY/);
  });

  it('lists every bad variable, by name, in one error', () => {
    expect(() => buildConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', SESSION_SECRET: 'short', ADMIN_EMAIL: 'nope' }))
      .toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*SESSION_SECRET[\s\S]*ADMIN_EMAIL/);
  });

  it('ignores empty values and unrelated variables', () => {
    expect(buildConfig({ PORT: '', HOME: '/root' }).port).toBe(3000);
  });

  it('turns card payments on only with both Stripe secrets, and names the missing one', () => {
    expect(buildConfig({}).stripe).toBeUndefined();
    expect(buildConfig({ STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' }).stripe)
      .toEqual({ secretKey: 'sk_test_1', webhookSecret: 'whsec_1', apiUrl: undefined });
    expect(() => buildConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => buildConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_1' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => buildConfig({ STRIPE_SECRET_KEY: 'pk_live_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' })).toThrow(/STRIPE_SECRET_KEY must be/);
  });

  it('splits billing address and bank details into lines on \\n or real newlines', () => {
    const c = buildConfig({ BILLING_ADDRESS: 'Acme Ltd\\n1 Main St\nSpringfield', BILLING_BANK_DETAILS: ' IBAN DE00 1234 ' });
    expect(c.billing).toEqual({ address: ['Acme Ltd', '1 Main St', 'Springfield'], bankDetails: ['IBAN DE00 1234'] });
    expect(buildConfig({}).billing).toEqual({ address: [], bankDetails: [] });
  });
});
