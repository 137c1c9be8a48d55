import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Actor, ROLES, Role } from './actor';

interface TokenClaims {
  sub: string;
  role: Role;
  acc: string | null;
}

/** Issues and checks the signed access tokens used by the API and, as a cookie, by the console. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(actor: Actor): string {
    const claims: TokenClaims = { sub: String(actor.id), role: actor.role, acc: actor.accountId === null ? null : String(actor.accountId) };
    return this.jwt.sign(claims);
  }

  /** The actor a token names, or null when it is missing, forged, expired or malformed. */
  verify(token: string | undefined): Actor | null {
    if (!token) return null;
    try {
      const c = this.jwt.verify<TokenClaims>(token);
      if (!ROLES.includes(c.role)) return null;
      return { id: Number(c.sub), role: c.role, accountId: c.acc === null ? null : Number(c.acc) };
    } catch {
      return null;
    }
  }
}
