import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { hasStaffRole } from './actor';
import { AuthError } from './auth.errors';
import { PUBLIC_KEY, ROLES_KEY, RoleRule } from './roles.decorator';
import { TokenService } from './token.service';

/**
 * Global guard for the JSON API: a Bearer token identifies the actor; the
 * endpoint's @Allow rule decides whether its role may call it. Endpoints
 * without a rule are closed to everyone, so forgetting @Allow fails safe.
 * Console and portal routes have their own cookie-based guard.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { actor?: unknown }>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const actor = this.tokens.verify(token, 'api')?.actor;
    if (!actor) throw new AuthError('UNAUTHORIZED', 'Missing or invalid access token');
    req.actor = actor;
    const rule = this.reflector.getAllAndOverride<RoleRule>(ROLES_KEY, targets);
    const allowed = !!rule && (actor.role === 'client' ? rule.client : rule.staff !== null && hasStaffRole(actor, rule.staff));
    if (!allowed) throw new AuthError('FORBIDDEN', `Your role (${actor.role}) may not do this`);
    return true;
  }
}
