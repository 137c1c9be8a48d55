import { Policy } from '../policy/policy.types';
import { intentFor } from './charging';

const policy: Policy = {
  chargeableChannels: ['phone'], defaultIncidentPoints: 1, providerFaultBonusPoints: 0, lowBalanceThreshold: 1,
  perIncidentFeeCents: 7500, currency: 'USD', onShortfall: 'fee', enforceFrom: null,
};
const today = new Date('2026-11-22T10:00:00Z');

describe('intentFor', () => {
  it('charges a client-caused phone call its incident type points, or the default without a type', () => {
    expect(intentFor(policy, { channel: 'phone', fault: 'client', incidentTypeId: 3 }, 4, today)).toEqual({ kind: 'debit', points: 4 });
    expect(intentFor(policy, { channel: 'phone', fault: 'client', incidentTypeId: null }, null, today)).toEqual({ kind: 'debit', points: 1 });
  });

  it('keeps email and portal free, and undetermined calls uncharged', () => {
    expect(intentFor(policy, { channel: 'email', fault: 'client', incidentTypeId: null }, null, today)).toEqual({ kind: 'none' });
    expect(intentFor(policy, { channel: 'portal', fault: 'client', incidentTypeId: null }, null, today)).toEqual({ kind: 'none' });
    expect(intentFor(policy, { channel: 'phone', fault: 'undetermined', incidentTypeId: null }, null, today)).toEqual({ kind: 'none' });
  });

  it('gives the provider-fault bonus only when the policy sets one', () => {
    const c = { channel: 'phone', fault: 'provider', incidentTypeId: null } as const;
    expect(intentFor(policy, c, null, today)).toEqual({ kind: 'none' });
    expect(intentFor({ ...policy, providerFaultBonusPoints: 2 }, c, null, today)).toEqual({ kind: 'bonus', points: 2 });
  });

  it('waives calls made before enforceFrom and charges calls made on or after it', () => {
    const c = { channel: 'phone', fault: 'client', incidentTypeId: null } as const;
    expect(intentFor({ ...policy, enforceFrom: '2026-11-23' }, c, null, today)).toEqual({ kind: 'waived', points: 1 });
    expect(intentFor({ ...policy, enforceFrom: '2026-11-22' }, c, null, today)).toEqual({ kind: 'debit', points: 1 });
  });

  it('treats a zero-point incident type as free', () => {
    expect(intentFor(policy, { channel: 'phone', fault: 'client', incidentTypeId: 9 }, 0, today)).toEqual({ kind: 'none' });
  });
});
