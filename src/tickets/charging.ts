import { Channel, Policy } from '../policy/policy.types';
import { ChargeKind, Fault } from './ticket.entity';

export interface Classification {
  channel: Channel;
  fault: Fault;
  incidentTypeId: number | null;
}

/** What a ticket has done to the point bank, as stored on the ticket. */
export interface Effect {
  kind: ChargeKind;
  points: number;
  feeCents: number;
  bonusPoints: number;
}

export const NO_EFFECT: Effect = { kind: 'none', points: 0, feeCents: 0, bonusPoints: 0 };

/**
 * What the policy asks of a classification, before looking at the balance:
 * `debit` means "take `points` if the balance covers them, else fee/block".
 */
export type Intent =
  | { kind: 'none' }
  | { kind: 'bonus'; points: number }
  | { kind: 'waived'; points: number }
  | { kind: 'debit'; points: number };

export function intentFor(policy: Policy, c: Classification, typePoints: number | null, callDate: Date): Intent {
  if (c.fault === 'provider') {
    return policy.providerFaultBonusPoints > 0 ? { kind: 'bonus', points: policy.providerFaultBonusPoints } : { kind: 'none' };
  }
  if (c.fault !== 'client' || !policy.chargeableChannels.includes(c.channel)) return { kind: 'none' };
  const cost = typePoints ?? policy.defaultIncidentPoints;
  if (cost <= 0) return { kind: 'none' };
  // Shadow mode: a call made before the policy is enforced records what it would have cost.
  if (policy.enforceFrom && callDate.toISOString().slice(0, 10) < policy.enforceFrom) return { kind: 'waived', points: cost };
  return { kind: 'debit', points: cost };
}

/** The effect an intent has when the balance covers it (a debit may still turn into a fee). */
export function expectedEffect(intent: Intent): Effect {
  switch (intent.kind) {
    case 'none':
      return NO_EFFECT;
    case 'waived':
      return { ...NO_EFFECT, kind: 'waived', points: intent.points };
    case 'bonus':
      return { ...NO_EFFECT, bonusPoints: intent.points };
    case 'debit':
      return { ...NO_EFFECT, kind: 'points', points: intent.points };
  }
}

export function sameClassification(a: Classification, b: Classification): boolean {
  return a.channel === b.channel && a.fault === b.fault && a.incidentTypeId === b.incidentTypeId;
}
