/**
 * Broker credentials at rest: random secrets, and scrypt hashes stored as self-describing strings
 * (`scrypt$N$r$p$salt$hash`, salt and hash in base64url) so that the cost can be raised later
 * without breaking stored hashes.
 *
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters (RFC 7914 section 2). N = 2^14, r = 8: ~16 MiB and ~50 ms per hash. */
const DEFAULT_COST = { N: 16_384, r: 8, p: 1 } as const;
/** Salt length, bytes. */
const SALT_BYTES = 16;
/** Derived key length, bytes. */
const KEY_BYTES = 32;
/** Secret length, bytes: 192 bits of entropy, 32 base64url characters. */
const SECRET_BYTES = 24;
/** Bounds accepted when reading a stored hash, so that a tampered row cannot ask for a huge computation. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;
const MAX_P = 16;

/** Memory scrypt needs, bytes (RFC 7914 section 5: V holds N blocks of 128 r bytes). */
function memoryBytes(N: number, r: number): number {
  return 128 * N * r;
}

function scryptAsync(plain: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * A fresh random secret: 24 bytes from the CSPRNG as 32 URL-safe base64 characters (`[A-Za-z0-9_-]`),
 * safe in a URL, a shell argument, a YAML value and a Mosquitto password file.
 */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * Hashes a secret with scrypt and a random salt.
 *
 * @returns `scrypt$16384$8$1$<salt>$<hash>` (base64url salt and hash).
 * @throws {TypeError} when `plain` is empty.
 */
export async function hashSecret(plain: string): Promise<string> {
  if (typeof plain !== 'string' || plain.length === 0) throw new TypeError('secret must be a non-empty string');
  const { N, r, p } = DEFAULT_COST;
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(plain, salt, KEY_BYTES, { N, r, p, maxmem: 2 * memoryBytes(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function parseStored(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const [N, r, p] = [nText, rText, pText].map((t) => (/^[1-9][0-9]{0,7}$/.test(t) ? Number(t) : NaN)) as [
    number,
    number,
    number,
  ];
  // N must be a power of two above 1 (RFC 7914 section 6).
  if (!(N > 1 && (N & (N - 1)) === 0 && memoryBytes(N, r) <= MAX_MEMORY_BYTES && p <= MAX_P)) return undefined;
  if (!BASE64URL.test(saltText) || !BASE64URL.test(keyText)) return undefined;
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { N, r, p, salt, key };
}

/**
 * Whether `plain` matches a hash made by {@link hashSecret}. Compares in constant time; never throws:
 * a malformed or tampered `stored` value (or a non-string input) gives `false`.
 */
export async function verifySecret(plain: string, stored: string): Promise<boolean> {
  if (typeof plain !== 'string' || typeof stored !== 'string' || plain.length === 0) return false;
  const parsed = parseStored(stored);
  if (parsed === undefined) return false;
  const { N, r, p, salt, key } = parsed;
  try {
    const candidate = await scryptAsync(plain, salt, key.length, { N, r, p, maxmem: 2 * memoryBytes(N, r) });
    return timingSafeEqual(candidate, key);
  } catch {
    return false;
  }
}
