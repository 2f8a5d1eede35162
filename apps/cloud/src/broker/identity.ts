/**
 * Who is on the other end of a broker connection, and how the broker learns it.
 *
 * @module
 */
import { platformIdProblem } from '@sdfl/protocol';

/** MQTT username of the cloud's own connections (engine, CLI). Never a platform id. */
export const CLOUD_USERNAME = 'sdfl-cloud';

/** Prefix of the MQTT client id a platform must use: `sdfl-edge-{platformId}` (the edge link's default). */
export const PLATFORM_CLIENT_ID_PREFIX = 'sdfl-edge-';

/**
 * An authenticated broker identity: the cloud (sees every platform) or one platform (sees only
 * `sdfl/v1/{platformId}/...`).
 */
export type BrokerIdentity = { readonly kind: 'cloud' } | { readonly kind: 'platform'; readonly platformId: string };

/**
 * Checks a CONNECT's credentials. Resolves the identity they prove, or `null` when they prove
 * nothing (unknown user, wrong password, revoked platform). A rejection is treated as the
 * credential store being unavailable (CONNACK "server unavailable"), never as success.
 * Implemented by the cloud over its database: username = platform id, or {@link CLOUD_USERNAME}.
 */
export type CredentialVerifier = (username: string, password: string) => Promise<BrokerIdentity | null>;

/**
 * Why `id` cannot be registered as a platform on the broker, or `undefined` when it can:
 * the protocol's platform id rules, plus the reserved {@link CLOUD_USERNAME}.
 */
export function brokerPlatformIdProblem(id: unknown): string | undefined {
  const problem = platformIdProblem(id);
  if (problem !== undefined) return problem;
  if (id === CLOUD_USERNAME) return `"${CLOUD_USERNAME}" is reserved for the cloud`;
  return undefined;
}

/** The MQTT client id a platform connects with: `sdfl-edge-{platformId}`. */
export function platformClientId(platformId: string): string {
  return `${PLATFORM_CLIENT_ID_PREFIX}${platformId}`;
}

/**
 * Why `clientId` may not be used by `identity`, or `undefined` when it may. A platform must use
 * exactly {@link platformClientId} so that no one else can take over its session (and its queued
 * commands) by reusing its client id; the cloud may use any id outside the platforms' prefix.
 */
export function clientIdProblem(identity: BrokerIdentity, clientId: string): string | undefined {
  if (identity.kind === 'platform') {
    const expected = platformClientId(identity.platformId);
    return clientId === expected ? undefined : `platform ${identity.platformId} must connect with client id ${expected}`;
  }
  return clientId.startsWith(PLATFORM_CLIENT_ID_PREFIX)
    ? `client ids starting with ${PLATFORM_CLIENT_ID_PREFIX} belong to platforms`
    : undefined;
}

/** A short label for logs: `cloud` or `platform:{id}`. */
export function describeIdentity(identity: BrokerIdentity | undefined): string {
  if (identity === undefined) return 'unauthenticated';
  return identity.kind === 'cloud' ? 'cloud' : `platform:${identity.platformId}`;
}
