import { Policy } from '../policy/policy.types';
import { Classification, intentFor } from '../tickets/charging';
import { formatMoney, points } from './format';

export type ScriptTone = 'free' | 'debit' | 'fee' | 'shadow' | 'blocked' | 'bonus';

/** The line an agent reads out before saving a call, and how to style it. */
export interface CallScript {
  tone: ScriptTone;
  text: string;
}

/**
 * What logging this call will do to the account, in words the agent can say
 * on the phone. It only reads the policy's verdict (intentFor, the same
 * function TicketsService charges with) against the current balance; it
 * decides nothing itself.
 */
export function callScript(policy: Policy, call: Classification, typePoints: number | null, balance: number, now: Date): CallScript {
  const intent = intentFor(policy, call, typePoints, now);
  switch (intent.kind) {
    case 'debit':
      if (balance >= intent.points) {
        return { tone: 'debit', text: `This call costs ${points(intent.points)}. After this call you will have ${points(balance - intent.points)} left.` };
      }
      if (policy.onShortfall === 'block') {
        return { tone: 'blocked', text: `This call costs ${points(intent.points)} but the balance is ${points(balance)}, and the policy refuses calls the balance does not cover. Offer a bundle first.` };
      }
      return { tone: 'fee', text: `This call will be billed per incident (${formatMoney(policy.perIncidentFeeCents, policy.currency)}): the balance of ${points(balance)} does not cover its ${points(intent.points)}.` };
    case 'waived':
      return { tone: 'shadow', text: `This call would cost ${points(intent.points)} — not charged yet (charging starts ${policy.enforceFrom}).` };
    case 'bonus':
      return { tone: 'bonus', text: `This call is free, and as our fault it earns the client ${points(intent.points)}.` };
    case 'none': {
      // Not yet classified: tell the agent what it would cost if it turns out to be the client's.
      const ifClient = call.fault === 'undetermined' ? intentFor(policy, { ...call, fault: 'client' }, typePoints, now) : null;
      if (ifClient && (ifClient.kind === 'debit' || ifClient.kind === 'waived')) {
        return { tone: 'free', text: `This call is free while the fault is not known; if it turns out to be client-caused it costs ${points(ifClient.points)}.` };
      }
      return { tone: 'free', text: 'This call is free.' };
    }
  }
}
