import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, verifySecret } from '../../src/broker/secrets';

describe('broker secrets', () => {
  it('generates URL-safe secrets of at least 128 bits, all different', () => {
    const secrets = Array.from({ length: 200 }, generateSecret);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(s, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('stores a self-describing scrypt hash that verifies the secret and nothing else', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret(secret.slice(1), stored)).toBe(false);
  });

  it('salts: the same secret hashes differently twice, and both verify', async () => {
    const [a, b] = await Promise.all([hashSecret('same'), hashSecret('same')]);
    expect(a).not.toBe(b);
    expect(await verifySecret('same', a)).toBe(true);
    expect(await verifySecret('same', b)).toBe(true);
  });

  it('honours the cost written in the stored value', async () => {
    const stored = await hashSecret('pw');
    const [, , , , salt, hash] = stored.split('$');
    // Same salt and key but a different N: another derivation, so it must not verify.
    expect(await verifySecret('pw', `scrypt$1024$8$1$${salt}$${hash}`)).toBe(false);
  });

  it('answers false, without throwing, on malformed or hostile stored values', async () => {
    const good = await hashSecret('pw');
    const parts = good.split('$');
    const hostile = [
      '',
      'junk',
      'scrypt$',
      good.replace('scrypt', 'bcrypt'),
      `${good}$extra`,
      parts.slice(0, 5).join('$'),
      ['scrypt', '16383', ...parts.slice(2)].join('$'), // N not a power of two
      ['scrypt', String(2 ** 24), ...parts.slice(2)].join('$'), // 2 GiB of memory
      ['scrypt', '16384', '8', '1000', ...parts.slice(4)].join('$'), // p too high
      ['scrypt', '-16384', ...parts.slice(2)].join('$'),
      ['scrypt', '16384', '8', '1', '!!!!', parts[5]].join('$'),
      ['scrypt', '16384', '8', '1', parts[4], 'AA'].join('$'), // key too short
    ];
    for (const stored of hostile) expect(await verifySecret('pw', stored), stored).toBe(false);
    expect(await verifySecret('', good)).toBe(false);
    expect(await verifySecret(undefined as unknown as string, good)).toBe(false);
    expect(await verifySecret('pw', null as unknown as string)).toBe(false);
  });

  it('refuses to hash an empty secret', async () => {
    await expect(hashSecret('')).rejects.toThrow(TypeError);
  });
});
