/**
 * Bearer-token authentication and role checks. 401 = who are you (no, unknown, expired or revoked
 * token); 403 = you may not (a viewer creating, a scientist steering another's campaign). Failed
 * attempts are rate-limited per client address; a token's uses per token.
 *
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import type { CloudDrizzle } from '../db/open';
import { ApiError } from './errors';
import { checkToken, type Principal, type Role } from './identity';
import { RateLimiter } from './rate-limit';

/** Variables the auth middleware sets on the context. */
export type AuthVariables = { principal: Principal };

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  readonly db: CloudDrizzle;
  /** Failed authentications per client per minute before 429. Default 20. */
  readonly failuresPerMinute?: number;
  /** Requests per token per minute. Default 1200. */
  readonly requestsPerMinute?: number;
  /** Paths served without a token. */
  readonly publicPaths: readonly (string | RegExp)[];
}

/** The middleware: sets `principal`, or answers 401/429. */
export function bearerAuth(o: BearerAuthOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  const failures = new RateLimiter(o.failuresPerMinute ?? 20, 60_000);
  const uses = new RateLimiter(o.requestsPerMinute ?? 1200, 60_000);
  const isPublic = (path: string) => o.publicPaths.some((p) => (typeof p === 'string' ? p === path : p.test(path)));
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    const client = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? clientAddress(c.env) ?? 'local';
    if (failures.blocked(client)) throw new ApiError('RATE_LIMITED', 'too many failed authentications; wait a minute');
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) {
      failures.hit(client);
      throw new ApiError('UNAUTHORIZED', 'send an API token: Authorization: Bearer <token>');
    }
    const checked = await checkToken(o.db, m[1]!);
    if (!checked.ok) {
      failures.hit(client);
      throw new ApiError('UNAUTHORIZED', `token ${checked.reason}`);
    }
    if (!uses.hit(checked.principal.tokenId)) throw new ApiError('RATE_LIMITED', 'too many requests with this token; slow down');
    c.set('principal', checked.principal);
    return next();
  };
}

const RANK: Record<Role, number> = { viewer: 0, scientist: 1, admin: 2 };

/** Throws 403 unless the principal has at least `role`. */
export function requireRole(p: Principal, role: Role): void {
  if (RANK[p.role] < RANK[role]) throw new ApiError('FORBIDDEN', `needs role ${role}; you are ${p.role}`);
}

/** Throws 403 unless the principal owns the thing or is an admin. */
export function requireOwner(p: Principal, owner: string): void {
  requireRole(p, 'scientist');
  if (p.role !== 'admin' && p.name !== owner) throw new ApiError('FORBIDDEN', `only its owner (${owner}) or an admin may change it`);
}

function clientAddress(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
