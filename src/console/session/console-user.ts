import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { Actor, hasStaffRole, StaffRole } from '../../auth/actor';

/** The signed-in staff member of a console request, as controllers and templates see them. */
export interface ConsoleUser {
  actor: Actor;
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  /** Convenience flags for templates (nav links, manager actions). */
  isManager: boolean;
  isAdmin: boolean;
}

/** Express request after ConsoleSessionMiddleware has looked at the session cookie. */
export type ConsoleRequest = Request & { consoleUser?: ConsoleUser | null };

export function consoleUser(actor: Actor & { role: StaffRole }, name: string, email: string): ConsoleUser {
  return {
    actor, id: String(actor.id), name, email, role: actor.role,
    isManager: hasStaffRole(actor, 'manager'), isAdmin: hasStaffRole(actor, 'admin'),
  };
}

/** The staff member a guarded console route acts for (ConsoleAuthGuard guarantees one). */
export const Staff = createParamDecorator((_: unknown, ctx: ExecutionContext): ConsoleUser => {
  const user = ctx.switchToHttp().getRequest<ConsoleRequest>().consoleUser;
  if (!user) throw new Error('@Staff() used on a route without ConsoleAuthGuard');
  return user;
});
