import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { TokenService } from './token.service';

const jwt = () => new JwtService({ secret: createSecretKey(Buffer.from('unit-test-secret-0123456789abcdef')), signOptions: { expiresIn: '12h', algorithm: 'HS256' } });
const agent = { id: 7, role: 'agent' as const, accountId: null };

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('verifies a token it issued, again and again, to the same actor', () => {
    const tokens = new TokenService(jwt());
    const token = tokens.issue(agent);
    expect(tokens.verify(token)?.actor).toEqual(agent);
    expect(tokens.verify(token)?.actor).toEqual(agent);
  });

  it('refuses a token of the other kind, also once it is known', () => {
    const tokens = new TokenService(jwt());
    const cookie = tokens.issue(agent, 'console');
    expect(tokens.verify(cookie, 'console')?.actor).toEqual(agent);
    expect(tokens.verify(cookie, 'api')).toBeNull();
    const bearer = tokens.issue(agent, 'api');
    expect(tokens.verify(bearer, 'api')?.actor).toEqual(agent);
    expect(tokens.verify(bearer, 'console')).toBeNull();
  });

  it('refuses a known token once it has expired', () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T08:00:00Z') });
    const tokens = new TokenService(jwt());
    const token = tokens.issue(agent);
    expect(tokens.verify(token)).not.toBeNull();
    jest.setSystemTime(new Date('2026-11-30T19:59:00Z'));
    expect(tokens.verify(token)).not.toBeNull();
    jest.setSystemTime(new Date('2026-11-30T20:00:01Z'));
    expect(tokens.verify(token)).toBeNull();
  });

  it('refuses a forged or foreign token, and nothing is remembered for it', () => {
    const tokens = new TokenService(jwt());
    const foreign = new TokenService(new JwtService({ secret: 'another-secret-0123456789abcdef0123' })).issue(agent);
    expect(tokens.verify(foreign)).toBeNull();
    expect(tokens.verify(foreign)).toBeNull();
    const token = tokens.issue(agent);
    expect(tokens.verify(`${token.slice(0, -2)}xx`)).toBeNull();
    expect(tokens.verify(undefined)).toBeNull();
  });

  it('hands out an actor nobody can change for the next request', () => {
    const tokens = new TokenService(jwt());
    const token = tokens.issue(agent);
    const actor = tokens.verify(token)!.actor;
    expect(() => Object.assign(actor, { role: 'admin' })).toThrow(TypeError);
    expect(tokens.verify(token)?.actor.role).toBe('agent');
  });
});
