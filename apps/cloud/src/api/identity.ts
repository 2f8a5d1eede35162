/**
 * Users, roles and API tokens. A token is shown once, when created; only its SHA-256 is stored
 * (a 192-bit random token needs no slow hash), with an expiry, a revocation time and the time it
 * was last used.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { CloudDrizzle } from '../db/open';
import { apiTokens, auditLog, users } from '../db/schema';
import { CloudError } from '../errors';

/** Roles, most powerful first: admins steer everything, scientists their own campaigns, viewers read. */
export const ROLES = ['admin', 'scientist', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A user name: letters, digits and `._-@`, 1-64 characters. */
export const userNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ - @ only');

/** Who is calling. */
export interface Principal {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  readonly tokenId: string;
}

/** A token as created: `token` is shown once. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  readonly expiresAt: Date | null;
}

/** Something about users or tokens that cannot be done. */
export class IdentityError extends CloudError<'INVALID' | 'EXISTS' | 'NOT_FOUND'> {}

const TOKEN_PREFIX = 'sdfl_';
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a user. */
export async function addUser(db: CloudDrizzle, name: string, role: Role, actor: string): Promise<{ id: string; name: string; role: Role }> {
  const parsed = userNameSchema.safeParse(name);
  if (!parsed.success) throw new IdentityError('INVALID', `invalid user name: ${parsed.error.issues[0]!.message}`);
  if (!ROLES.includes(role)) throw new IdentityError('INVALID', `role must be one of ${ROLES.join(', ')}`);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.name, name));
  if (existing) throw new IdentityError('EXISTS', `user '${name}' exists`);
  const id = `u-${randomBytes(6).toString('hex')}`;
  await db.transaction(async (tx) => {
    await tx.insert(users).values({ id, name, role });
    await tx.insert(auditLog).values({ actor, action: 'user.add', target: name, detail: { role } });
  });
  return { id, name, role };
}

/** Issues a token for a user; `ttlDays` null = no expiry. */
export async function createToken(db: CloudDrizzle, userName: string, options: { ttlDays?: number | null; label?: string; actor: string }): Promise<IssuedToken> {
  const [u] = await db.select().from(users).where(eq(users.name, userName));
  if (!u || u.disabledAt) throw new IdentityError('NOT_FOUND', `no active user '${userName}'`);
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const id = `t-${randomBytes(6).toString('hex')}`;
  const ttl = options.ttlDays === undefined ? 90 : options.ttlDays;
  const expiresAt = ttl === null ? null : new Date(Date.now() + ttl * 86_400_000);
  await db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({ id, userId: u.id, hash: digest(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), label: options.label ?? null, expiresAt });
    await tx.insert(auditLog).values({ actor: options.actor, action: 'token.create', target: userName, detail: { tokenId: id, expiresAt } });
  });
  return { id, token, expiresAt };
}

/** Revokes a token at once. Returns false when there was no such live token. */
export async function revokeToken(db: CloudDrizzle, tokenId: string, actor: string): Promise<boolean> {
  const rows = await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, tokenId)).returning({ id: apiTokens.id });
  if (rows.length > 0) await db.insert(auditLog).values({ actor, action: 'token.revoke', target: tokenId });
  return rows.length > 0;
}

/** Why a presented token is refused, or who it belongs to. */
export type TokenCheck = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'disabled' };

/** Checks a bearer token and records its use. */
export async function checkToken(db: CloudDrizzle, token: string): Promise<TokenCheck> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: 'unknown' };
  const [row] = await db
    .select({ t: apiTokens, u: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.hash, digest(token)));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.t.revokedAt) return { ok: false, reason: 'revoked' };
  if (row.t.expiresAt && row.t.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  if (row.u.disabledAt) return { ok: false, reason: 'disabled' };
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(and(eq(apiTokens.id, row.t.id)));
  return { ok: true, principal: { userId: row.u.id, name: row.u.name, role: row.u.role as Role, tokenId: row.t.id } };
}
