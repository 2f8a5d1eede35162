/**
 * The fleet's register: platforms, their MQTT credentials (stored as scrypt hashes; the password
 * is shown once, when issued) and the credential check the broker calls on every CONNECT.
 *
 * @module
 */
import { eq } from 'drizzle-orm';
import { platformIdProblem } from '@sdfl/protocol';
import { CLOUD_USERNAME, type BrokerIdentity, type CredentialVerifier } from '../broker/identity.js';
import { generateSecret, hashSecret, verifySecret } from '../broker/secrets.js';
import type { CloudDrizzle } from '../db/open.js';
import { auditLog, platforms } from '../db/schema.js';

/** Credentials issued to a platform: give them to its edge agent; they are not shown again. */
export interface IssuedCredentials {
  readonly platformId: string;
  readonly username: string;
  readonly password: string;
}

/** A platform that cannot be registered or found. */
export class PlatformError extends Error {
  constructor(
    readonly code: 'INVALID' | 'NOT_FOUND' | 'EXISTS',
    message: string,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Registers a platform and issues its MQTT credentials. */
export async function addPlatform(db: CloudDrizzle, id: string, options: { pool?: string; actor: string }): Promise<IssuedCredentials> {
  const problem = platformIdProblem(id);
  if (problem !== undefined) throw new PlatformError('INVALID', `invalid platform id: ${problem}`);
  if (id === CLOUD_USERNAME) throw new PlatformError('INVALID', `'${CLOUD_USERNAME}' is the cloud's own identity`);
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
export async function rotateCredentials(db: CloudDrizzle, id: string, actor: string): Promise<IssuedCredentials> {
  const password = generateSecret();
  const secretHash = await hashSecret(password);
  const updated = await db.transaction(async (tx) => {
    const rows = await tx.update(platforms).set({ secretHash, credentialsIssuedAt: new Date(), revokedAt: null }).where(eq(platforms.id, id)).returning({ id: platforms.id });
    if (rows.length > 0) await tx.insert(auditLog).values({ actor, action: 'platform.rotate', target: id });
    return rows.length;
  });
  if (updated === 0) throw new PlatformError('NOT_FOUND', `no platform '${id}'`);
  return { platformId: id, username: id, password };
}

/**
 * The broker's credential check: the cloud's own username with this process's secret, or a
 * registered, unrevoked platform whose username is its id and whose password matches its hash.
 */
export function credentialVerifier(db: CloudDrizzle, cloud: { username?: string; password: string }): CredentialVerifier {
  const cloudUser = cloud.username ?? CLOUD_USERNAME;
  return async (username: string, password: string): Promise<BrokerIdentity | null> => {
    if (username === cloudUser) return password === cloud.password ? { kind: 'cloud' } : null;
    if (platformIdProblem(username) !== undefined) return null;
    const [p] = await db.select({ secretHash: platforms.secretHash, revokedAt: platforms.revokedAt }).from(platforms).where(eq(platforms.id, username));
    if (!p?.secretHash || p.revokedAt !== null) return null;
    return (await verifySecret(password, p.secretHash)) ? { kind: 'platform', platformId: username } : null;
  };
}
