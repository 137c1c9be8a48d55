import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Actor, ROLES, Role } from './actor';

/** `api`: Bearer tokens for the JSON API. `console`: the console's session cookie, revocable by logging out. */
export type TokenKind = 'api' | 'console';

interface TokenClaims {
  sub: string;
  role: Role;
  acc: string | null;
  typ: TokenKind;
  /** Issue time in milliseconds (JWT's iat has only seconds), compared with a logout. */
  iatMs: number;
}

export interface VerifiedToken {
  actor: Actor;
  issuedAt: number;
}

/**
 * Issues and checks signed access tokens. A token only works where it was
 * issued for: a console cookie is refused as an API Bearer token, so logging
 * out of the console (which voids its sessions) cannot be bypassed through
 * the API.
 */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(actor: Actor, kind: TokenKind = 'api'): string {
    const claims: TokenClaims = {
      sub: String(actor.id), role: actor.role, acc: actor.accountId === null ? null : String(actor.accountId), typ: kind, iatMs: Date.now(),
    };
    return this.jwt.sign(claims);
  }

  /** The actor a token names, or null when it is missing, forged, expired, malformed or of the other kind. */
  verify(token: string | undefined, kind: TokenKind = 'api'): VerifiedToken | null {
    if (!token) return null;
    try {
      const c = this.jwt.verify<TokenClaims>(token);
      if (!ROLES.includes(c.role) || c.typ !== kind) return null;
      return { actor: { id: Number(c.sub), role: c.role, accountId: c.acc === null ? null : Number(c.acc) }, issuedAt: c.iatMs };
    } catch {
      return null;
    }
  }
}
