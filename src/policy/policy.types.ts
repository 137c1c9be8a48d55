export const CHANNELS = ['phone', 'email', 'portal'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Policy {
  chargeableChannels: Channel[];
  defaultIncidentPoints: number;
  providerFaultBonusPoints: number;
  lowBalanceThreshold: number;
  perIncidentFeeCents: number;
  currency: string;
  onShortfall: 'fee' | 'block';
  enforceFrom: string | null;
}
