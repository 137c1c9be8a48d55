import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { StaffRole } from './actor';

export const ROLES_KEY = 'pointdesk:roles';
export const PUBLIC_KEY = 'pointdesk:public';

export interface RoleRule {
  /** Lowest staff role allowed (roles above it are allowed too). */
  staff: StaffRole | null;
  /** Whether a client user may call it (services then check the account). */
  client: boolean;
}

/**
 * Declares who may call an endpoint and documents it in OpenAPI.
 * `@Allow('agent')` — agents, managers, admins. `@Allow('agent', 'client')` — also clients,
 * for their own account. `@Allow(null, 'client')` — clients only.
 */
export function Allow(staff: StaffRole | null, client?: 'client', summary?: string) {
  const rule: RoleRule = { staff, client: client === 'client' };
  const who = [staff ? `${staff}${staff === 'admin' ? '' : '+'}` : null, rule.client ? 'client (own account)' : null]
    .filter(Boolean)
    .join(', ');
  return applyDecorators(
    SetMetadata(ROLES_KEY, rule),
    ApiBearerAuth(),
    ApiOperation({ summary: summary ? `${summary} — roles: ${who}` : `Roles: ${who}`, description: `Roles: ${who}` }),
    ApiUnauthorizedResponse({ description: 'Missing or invalid token' }),
    ApiForbiddenResponse({ description: 'Role not allowed' }),
  );
}

/** No authentication required. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
