/**
 * What an external Mosquitto 2 broker needs to enforce our ACL: a password file in the format
 * `mosquitto_passwd` writes, and an ACL file with one `user` block per identity, carrying the same
 * rules as acl.ts. Files are replaced atomically (write + rename); Mosquitto re-reads both on
 * SIGHUP, which is the operator's (or systemd's `reload`) job, not ours.
 *
 * @module
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLOUD_TO_EDGE_KINDS, EDGE_TO_CLOUD_KINDS, TOPIC_ROOT } from '@sdfl/protocol';
import { brokerPlatformIdProblem, CLOUD_USERNAME } from './identity';

/** File names inside the Mosquitto folder. */
export const MOSQUITTO_PASSWORD_FILE = 'passwords';
export const MOSQUITTO_ACL_FILE = 'acl';

/** mosquitto_passwd 2.0's defaults for `$7$` (PBKDF2-SHA512): 101 iterations, 12-byte salt, 64-byte hash. */
const PBKDF2_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** Credentials of the cloud's own broker user. */
export interface MosquittoCloudUser {
  /** Default {@link CLOUD_USERNAME}. */
  readonly username?: string;
  readonly password: string;
}

/** A platform's broker credentials (username = platform id). */
export interface MosquittoPlatformUser {
  readonly id: string;
  readonly password: string;
}

/** Why `name` cannot appear in a Mosquitto password or ACL file, or `undefined`. */
function mosquittoUsernameProblem(name: string): string | undefined {
  // The password file splits each line at the first ':' (mosquitto 2.0 src/password_file.c).
  if (name.includes(':')) return 'must not contain ":" (the Mosquitto password file separator)';
  return undefined;
}

function assertPlatformUser(id: string): void {
  const problem = brokerPlatformIdProblem(id) ?? mosquittoUsernameProblem(id);
  if (problem !== undefined) throw new TypeError(`platform id ${JSON.stringify(id)} cannot be used with Mosquitto: ${problem}`);
}

function assertPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  if (/[\r\n]/.test(password)) throw new TypeError('password must not contain a line break');
}

/**
 * One password file line, `username:$7$101$<salt>$<hash>`, as `mosquitto_passwd` 2.0 writes it
 * (PBKDF2-HMAC-SHA512; salt and hash in standard base64).
 *
 * @param options.salt - fixed salt (12 bytes), for reproducing a known line in tests; default random.
 * @param options.iterations - default 101, mosquitto_passwd's own.
 * @throws {TypeError} on a username with ':' or a line break, or an empty password.
 */
export function mosquittoPasswordLine(
  username: string,
  password: string,
  options: { readonly salt?: Buffer; readonly iterations?: number } = {},
): string {
  const problem = username.length === 0 ? 'must not be empty' : (mosquittoUsernameProblem(username) ?? (/[\r\n]/.test(username) ? 'must not contain a line break' : undefined));
  if (problem !== undefined) throw new TypeError(`username ${JSON.stringify(username)}: ${problem}`);
  assertPassword(password);
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
  return `${username}:$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** The ACL block of the cloud: reads everything under the root, writes commands, receipts and state. */
export function cloudAclBlock(username: string = CLOUD_USERNAME): string {
  const writes = [...CLOUD_TO_EDGE_KINDS, 'state'].map((kind) => `topic write ${TOPIC_ROOT}/+/${kind}`);
  return [`user ${username}`, `topic read ${TOPIC_ROOT}/#`, ...writes].join('\n');
}

/** The ACL block of one platform: writes its edge-to-cloud topics, reads its cloud-to-edge topics. */
export function platformAclBlock(id: string): string {
  assertPlatformUser(id);
  return [
    `user ${id}`,
    ...EDGE_TO_CLOUD_KINDS.map((kind) => `topic write ${TOPIC_ROOT}/${id}/${kind}`),
    ...CLOUD_TO_EDGE_KINDS.map((kind) => `topic read ${TOPIC_ROOT}/${id}/${kind}`),
  ].join('\n');
}

const ACL_HEADER = [
  '# sdfl broker ACL (Mosquitto 2), written by @sdfl/cloud; the same rules as apps/cloud/src/broker/acl.ts.',
  '# One block per user; users without a block may do nothing. Reload with SIGHUP after a change.',
].join('\n');

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode: 0o640 });
  await rename(temporary, path);
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Writes `passwords` and `acl` into `dir` (created if missing), replacing what was there:
 * the cloud user and every listed platform, nothing else.
 *
 * @throws {TypeError} on an invalid platform id (protocol rules, the reserved `sdfl-cloud`, ':'),
 *   a duplicate id or an empty password; nothing is written then.
 */
export async function writeMosquittoFiles(
  dir: string,
  users: { readonly cloud: MosquittoCloudUser; readonly platforms: readonly MosquittoPlatformUser[] },
): Promise<{ readonly passwordFile: string; readonly aclFile: string }> {
  const cloudName = users.cloud.username ?? CLOUD_USERNAME;
  const seen = new Set<string>([cloudName]);
  for (const platform of users.platforms) {
    assertPlatformUser(platform.id);
    assertPassword(platform.password);
    if (seen.has(platform.id)) throw new TypeError(`duplicate broker user ${JSON.stringify(platform.id)}`);
    seen.add(platform.id);
  }
  const passwordLines = [
    mosquittoPasswordLine(cloudName, users.cloud.password),
    ...users.platforms.map((p) => mosquittoPasswordLine(p.id, p.password)),
  ];
  const acl = [ACL_HEADER, cloudAclBlock(cloudName), ...users.platforms.map((p) => platformAclBlock(p.id))].join('\n\n');
  await mkdir(dir, { recursive: true });
  const passwordFile = join(dir, MOSQUITTO_PASSWORD_FILE);
  const aclFile = join(dir, MOSQUITTO_ACL_FILE);
  await writeAtomically(passwordFile, `${passwordLines.join('\n')}\n`);
  await writeAtomically(aclFile, `${acl}\n`);
  return { passwordFile, aclFile };
}

/** Splits an ACL file into its preamble and its `user` blocks (each up to the next `user` line). */
function aclBlocks(text: string): { preamble: string[]; blocks: Map<string, string[]> } {
  const preamble: string[] = [];
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const user = /^user (.+)$/.exec(line);
    if (user !== null) {
      current = [line];
      blocks.set(user[1]!, current);
    } else if (current === undefined) {
      preamble.push(line);
    } else {
      current.push(line);
    }
  }
  return { preamble, blocks };
}

function renderAcl(preamble: readonly string[], blocks: ReadonlyMap<string, readonly string[]>): string {
  const trim = (lines: readonly string[]) => lines.join('\n').trim();
  const parts = [trim(preamble) || ACL_HEADER, ...[...blocks.values()].map(trim)];
  return `${parts.join('\n\n')}\n`;
}

/**
 * Adds a platform to the Mosquitto files in `dir`, or replaces its password and ACL block when it
 * is there already (idempotent: running it twice with the same password leaves the same rules).
 * Other users' lines are kept as they are. Does not signal Mosquitto: send it SIGHUP afterwards.
 *
 * @throws {TypeError} on an invalid platform id or an empty password; nothing is written then.
 */
export async function addPlatformToMosquitto(dir: string, id: string, password: string): Promise<void> {
  assertPlatformUser(id);
  assertPassword(password);
  await updateUser(dir, id, { line: mosquittoPasswordLine(id, password), block: platformAclBlock(id).split('\n') });
}

/**
 * Sets the cloud's own user in the Mosquitto files in `dir` (password line and ACL block),
 * replacing an earlier one of the same name; other users are kept. For a broker set up by hand:
 * `writeMosquittoFiles` already includes the cloud user. Does not signal Mosquitto.
 *
 * @param username - default {@link CLOUD_USERNAME}; must match the cloud's `MQTT_USERNAME`.
 * @throws {TypeError} on an empty password or a username with ':'; nothing is written then.
 */
export async function setMosquittoCloudUser(dir: string, password: string, username: string = CLOUD_USERNAME): Promise<void> {
  const line = mosquittoPasswordLine(username, password);
  await updateUser(dir, username, { line, block: cloudAclBlock(username).split('\n') });
}

/**
 * Removes a platform's password line and ACL block from the files in `dir` (credential revocation);
 * a no-op when it is absent. Send Mosquitto SIGHUP afterwards: Mosquitto 2.0 then refuses the
 * platform and drops its open connections (tested against 2.0.11).
 */
export async function removePlatformFromMosquitto(dir: string, id: string): Promise<void> {
  assertPlatformUser(id);
  await updateUser(dir, id, undefined);
}

/** Replaces (or with `entry` undefined removes) one user's password line and ACL block. */
async function updateUser(
  dir: string,
  id: string,
  entry: { readonly line: string; readonly block: readonly string[] } | undefined,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const passwordFile = join(dir, MOSQUITTO_PASSWORD_FILE);
  const aclFile = join(dir, MOSQUITTO_ACL_FILE);
  const kept = (await readOptional(passwordFile)).split('\n').filter((l) => l.length > 0 && !l.startsWith(`${id}:`));
  const { preamble, blocks } = aclBlocks(await readOptional(aclFile));
  blocks.delete(id);
  if (entry !== undefined) {
    kept.push(entry.line);
    blocks.set(id, [...entry.block]);
  }
  await writeAtomically(passwordFile, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  await writeAtomically(aclFile, renderAcl(preamble, blocks));
}
