import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
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

/** Tokens remembered as verified; an agent's console and its API client send the same few over and over. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Issues and checks signed access tokens. A token only works where it was
 * issued for: a console cookie is refused as an API Bearer token, so logging
 * out of the console (which voids its sessions) cannot be bypassed through
 * the API.
 */
@Injectable()
export class TokenService {
  /**
   * Checking a token's signature and claims costs more CPU than the rest of
   * a small request's authentication; a token is immutable, so the answer is
   * kept and used until the token expires, never longer. The least recently
   * used entries make room for new ones.
   */
  private readonly verified = new LRUCache<string, { kind: TokenKind; token: VerifiedToken; expiresAt: number }>({ max: VERIFIED_CACHE_SIZE });

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
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known.kind === kind ? known.token : null;
      this.verified.delete(token);
    }
    let c: TokenClaims & { exp?: number };
    try {
      c = this.jwt.verify<TokenClaims & { exp?: number }>(token);
    } catch {
      return null;
    }
    if (!ROLES.includes(c.role) || (c.typ !== 'api' && c.typ !== 'console')) return null;
    // Shared by every request that presents the token: frozen, so none can change it for the others.
    const actor = Object.freeze({ id: Number(c.sub), role: c.role, accountId: c.acc === null ? null : Number(c.acc) });
    const verified = Object.freeze({ actor, issuedAt: c.iatMs });
    // Tokens are issued with an expiry (signOptions.expiresIn); one without is checked every time.
    if (c.exp !== undefined) this.verified.set(token, { kind: c.typ, token: verified, expiresAt: c.exp * 1000 });
    return c.typ === kind ? verified : null;
  }
}
