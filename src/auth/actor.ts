export const ROLES = ['admin', 'manager', 'agent', 'client'] as const;
export type Role = (typeof ROLES)[number];
export type StaffRole = Exclude<Role, 'client'>;

/** The authenticated user a request acts for, as services see it. */
export interface Actor {
  id: number;
  role: Role;
  /** Set for clients: the one account they belong to. */
  accountId: number | null;
}

const RANK: Record<StaffRole, number> = { agent: 1, manager: 2, admin: 3 };

/** admin ⊃ manager ⊃ agent. Clients are never staff. */
export function hasStaffRole(actor: Pick<Actor, 'role'>, min: StaffRole): boolean {
  return actor.role !== 'client' && RANK[actor.role] >= RANK[min];
}

/** Staff may see any account; a client only its own. */
export function canSeeAccount(actor: Actor, accountId: number): boolean {
  return actor.role !== 'client' || actor.accountId === accountId;
}
