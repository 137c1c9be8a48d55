import { HTTP_SERIALIZERS } from './logging.module';
import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  const token = 'k2j_q55nyPLSEVCtbvJv_qwvrqhONxk8JB9BdaQ8xkU';

  it.each([
    [`/portal/invitations/${token}`, '/portal/invitations/[redacted]'],
    [`/portal/invitations/${token}/`, '/portal/invitations/[redacted]/'],
    [`/portal/invitations/${token}?x=1#top`, '/portal/invitations/[redacted]?x=1#top'],
    [`/PORTAL/Invitations/${token}`, '/PORTAL/Invitations/[redacted]'],
    [`//portal/invitations/${token}`, '//portal/invitations/[redacted]'],
    [`/portal/invitations/${encodeURIComponent('a b%c')}`, '/portal/invitations/[redacted]'],
    [`/portal/login?next=${encodeURIComponent(`/portal/invitations/${token}`)}&x=1`, '/portal/login?next=%2Fportal%2Finvitations%2F[redacted]&x=1'],
    [`/portal/login?next=/portal/invitations/${token}`, '/portal/login?next=/portal/invitations/[redacted]'],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
    expect(redactUrl(url)).not.toContain(token);
  });

  it.each([
    '/portal', '/portal/invitations', '/portal/invitations/', '/api/invitations/accept', '/console/accounts/42?tab=users',
    '/portal/tickets/913', '/health',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('access log lines', () => {
  it('carry the URL with an invitation token redacted', () => {
    expect(HTTP_SERIALIZERS.req({ id: 'r1', method: 'POST', url: '/portal/invitations/k2j_q55nyPLSEVCtbvJv' }))
      .toEqual({ id: 'r1', method: 'POST', url: '/portal/invitations/[redacted]' });
  });
});
