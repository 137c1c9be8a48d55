import { Policy } from '../policy/policy.types';
import { callScript } from './call-script';

const policy: Policy = {
  chargeableChannels: ['phone'], defaultIncidentPoints: 1, providerFaultBonusPoints: 0, lowBalanceThreshold: 1,
  perIncidentFeeCents: 7500, currency: 'USD', onShortfall: 'fee', enforceFrom: null,
};
const now = new Date('2026-11-22T10:00:00Z');
const phone = (fault: 'client' | 'provider' | 'undetermined', incidentTypeId: number | null = null) => ({ channel: 'phone' as const, fault, incidentTypeId });

describe('callScript', () => {
  it('tells the agent what will be left after a chargeable call', () => {
    expect(callScript(policy, phone('client', 3), 2, 5, now)).toEqual({
      tone: 'debit', text: 'This call costs 2 points. After this call you will have 3 points left.',
    });
    expect(callScript(policy, phone('client'), null, 2, now).text).toBe('This call costs 1 point. After this call you will have 1 point left.');
  });

  it('says a call the balance cannot cover is billed per incident, or refused when the policy blocks', () => {
    expect(callScript(policy, phone('client', 3), 2, 1, now)).toEqual({
      tone: 'fee', text: 'This call will be billed per incident ($75.00): the balance of 1 point does not cover its 2 points.',
    });
    expect(callScript({ ...policy, onShortfall: 'block' }, phone('client'), null, 0, now).tone).toBe('blocked');
  });

  it('shows shadow mode before the policy is enforced', () => {
    expect(callScript({ ...policy, enforceFrom: '2027-01-01' }, phone('client'), null, 5, now)).toEqual({
      tone: 'shadow', text: 'This call would cost 1 point — not charged yet (charging starts 2027-01-01).',
    });
  });

  it('calls free calls free, and says what an unclassified call would cost', () => {
    expect(callScript(policy, { channel: 'email', fault: 'client', incidentTypeId: null }, null, 5, now)).toEqual({ tone: 'free', text: 'This call is free.' });
    expect(callScript(policy, phone('provider'), null, 5, now)).toEqual({ tone: 'free', text: 'This call is free.' });
    expect(callScript(policy, phone('undetermined', 3), 2, 5, now).text)
      .toBe('This call is free while the fault is not known; if it turns out to be client-caused it costs 2 points.');
  });

  it('mentions the goodwill bonus for a provider fault when the policy gives one', () => {
    expect(callScript({ ...policy, providerFaultBonusPoints: 1 }, phone('provider'), null, 5, now)).toEqual({
      tone: 'bonus', text: 'This call is free, and as our fault it earns the client 1 point.',
    });
  });
});
