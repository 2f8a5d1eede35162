/**
 * The fleet's register: platforms, their MQTT credentials (stored as scrypt hashes; the password
 * is shown once, when issued) and the credential check the broker calls on every CONNECT.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { brokerPlatformIdProblem, CLOUD_USERNAME, type BrokerIdentity, type CredentialVerifier } from '../broker/identity';
import { generateSecret, hashSecret, verifySecret } from '../broker/secrets';
import type { CloudDrizzle } from '../db/open';
import { auditLog, platforms } from '../db/schema';
import { CloudError } from '../errors';

/** Credentials issued to a platform: give them to its edge agent; they are not shown again. */
export interface IssuedCredentials {
  readonly platformId: string;
  readonly username: string;
  readonly password: string;
}

/** A platform that cannot be registered or found. */
export class PlatformError extends CloudError<'INVALID' | 'NOT_FOUND' | 'EXISTS'> {}

/** Registers a platform and issues its MQTT credentials. */
export async function addPlatform(db: CloudDrizzle, id: string, options: { pool?: string; actor: string }): Promise<IssuedCredentials> {
  const problem = brokerPlatformIdProblem(id);
  if (problem !== undefined) throw new PlatformError('INVALID', `invalid platform id: ${problem}`);
  const [existing] = await db.select({ id: platforms.id }).from(platforms).where(eq(platforms.id, id));
  if (existing) throw new PlatformError('EXISTS', `platform '${id}' is already registered (rotate its credentials instead)`);
  const password = generateSecret();
  const secretHash = await hashSecret(password);
  await db.transaction(async (tx) => {
    await tx.insert(platforms).values({ id, pool: options.pool ?? null, secretHash, credentialsIssuedAt: new Date() });
    await tx.insert(auditLog).values({ actor: options.actor, action: 'platform.add', target: id, detail: { pool: options.pool ?? null } });
  });
  return { platformId: id, username: id, password };
}

/** Issues new credentials (the old password stops working at once) and clears a revocation. */
export async function rotateCredentials(db: CloudDrizzle, id: string, actor: string, reason?: string): Promise<IssuedCredentials> {
  const password = generateSecret();
  const secretHash = await hashSecret(password);
  const updated = await db.transaction(async (tx) => {
    const rows = await tx.update(platforms).set({ secretHash, credentialsIssuedAt: new Date(), revokedAt: null }).where(eq(platforms.id, id)).returning({ id: platforms.id });
    if (rows.length > 0) await tx.insert(auditLog).values({ actor, action: 'platform.rotate', target: id, reason: reason ?? null });
    return rows.length;
  });
  if (updated === 0) throw new PlatformError('NOT_FOUND', `no platform '${id}'`);
  return { platformId: id, username: id, password };
}

/**
 * The broker's credential check: the cloud's own username with this process's secret, or a
 * registered, unrevoked platform whose username is its id and whose password matches its hash.
 * A successful scrypt check is remembered for `cacheMs` (keyed by the stored hash, so a rotation
 * or revocation takes effect at once): a fleet reconnecting after a broker restart costs one
 * scrypt per platform, not one per attempt.
 */
export function credentialVerifier(db: CloudDrizzle, cloud: { username?: string; password: string }, cacheMs = 60_000): CredentialVerifier {
  const cloudUser = cloud.username ?? CLOUD_USERNAME;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const cloudDigest = digest(cloud.password);
  const verified = new Map<string, { secretHash: string; until: number }>();
  return async (username: string, password: string): Promise<BrokerIdentity | null> => {
    if (username === cloudUser) return timingSafeEqual(digest(password), cloudDigest) ? { kind: 'cloud' } : null;
    if (brokerPlatformIdProblem(username) !== undefined) return null;
    const [p] = await db.select({ secretHash: platforms.secretHash, revokedAt: platforms.revokedAt }).from(platforms).where(eq(platforms.id, username));
    if (!p?.secretHash || p.revokedAt !== null) return null;
    const key = `${username}\n${digest(password).toString('hex')}`;
    const hit = verified.get(key);
    if (hit && hit.secretHash === p.secretHash && hit.until > Date.now()) return { kind: 'platform', platformId: username };
    if (!(await verifySecret(password, p.secretHash))) return null;
    verified.set(key, { secretHash: p.secretHash, until: Date.now() + cacheMs });
    return { kind: 'platform', platformId: username };
  };
}

/**
 * Revokes a platform's credentials: from now on the broker's verifier refuses it (the caller
 * also closes its open connections, see the embedded broker's `disconnectPlatform`). Its
 * campaigns keep their state; `rotateCredentials` issues new credentials and lifts the revocation.
 */
export async function revokePlatform(db: CloudDrizzle, id: string, actor: string, reason: string): Promise<Date> {
  const revokedAt = new Date();
  const updated = await db.transaction(async (tx) => {
    const rows = await tx.update(platforms).set({ revokedAt }).where(eq(platforms.id, id)).returning({ id: platforms.id });
    if (rows.length > 0) await tx.insert(auditLog).values({ actor, action: 'platform.revoke', target: id, reason });
    return rows.length;
  });
  if (updated === 0) throw new PlatformError('NOT_FOUND', `no platform '${id}'`);
  return revokedAt;
}
