/**
 * Fuzz: random bytes, random JSON, random topics and mutated valid messages through `decode`.
 * Oracle: `decode` never throws; it returns either a documented failure, or a message that
 * `encode` accepts again and that decodes to itself (so nothing invalid slips through).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DECODE_ERROR_CODES,
  MESSAGE_KINDS,
  decode,
  encode,
  topics,
  type BodyInput,
  type DecodeResult,
  type MessageKind,
} from '../src/index';
import { envelope, samples } from './fixtures';

const T = topics('rig-1');
const SEED = Number(process.env.FUZZ_SEED ?? 20250131);
let checked = 0;
/** Outcomes seen, so that the run proves it reached every branch. */
const seen = new Map<string, number>();

/** Asserts that `r` is one of the documented shapes. */
function assertShape(r: DecodeResult): void {
  checked++;
  const outcome = r.ok ? 'ok' : r.error.code;
  seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  expect(typeof r).toBe('object');
  if (r.ok) {
    expect(MESSAGE_KINDS).toContain(r.kind);
    expect(r.topic.kind).toBe(r.kind);
    expect(r.message.v).toBe(1);
    const payload = encode(r.kind, r.message.body as BodyInput<MessageKind>, r.message);
    expect(decode(T[r.kind], payload)).toMatchObject({ ok: true, message: r.message });
    return;
  }
  expect(Object.keys(r).every((k) => k === 'ok' || k === 'error' || k === 'topic')).toBe(true);
  expect(DECODE_ERROR_CODES).toContain(r.error.code);
  expect(typeof r.error.detail).toBe('string');
  expect(r.error.detail.length).toBeLessThanOrEqual(2200);
  if (r.error.issues !== undefined) expect(r.error.issues.length).toBeLessThanOrEqual(20);
  if (r.error.messageId !== undefined) expect(typeof r.error.messageId).toBe('string');
}

function safeDecode(topic: string, payload: Uint8Array | string, maxBytes?: number): DecodeResult {
  let result: DecodeResult | undefined;
  expect(() => {
    result = decode(topic, payload, maxBytes === undefined ? {} : { maxBytes });
  }).not.toThrow();
  return result!;
}

const kindArb = fc.constantFrom(...MESSAGE_KINDS);
const hugeString = fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x\u00e9\u{1F600}'.repeat(Math.ceil(n / 4)));
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 0, 1e308, -1e-308, '', 'NaN', true, [], {}, '2025-13-01T00:00:00Z'),
  hugeString,
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into a JSON value (containers and leaves), root excluded. */
function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    // Sampling a few items keeps spectra (hundreds of points) from dominating the paths.
    value.slice(0, 3).forEach((item, i) => {
      out.push([...prefix, i]);
      paths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(item, [...prefix, key], out);
    }
  }
  return out;
}

function parentOf(root: Json, path: Path): { parent: Json[] | Record<string, Json>; key: string | number } | undefined {
  let node: Json = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, Json>)[segment as string] ?? null;
  }
  if (node === null || typeof node !== 'object') return undefined;
  return { parent: node, key: path[path.length - 1]! };
}

type Mutation = { op: 'drop' | 'replace' | 'rename' | 'wrap' | 'version'; pick: number; value: Json };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('drop', 'replace', 'rename', 'wrap', 'version'),
  pick: fc.nat(),
  value: wrongValue as fc.Arbitrary<Json>,
});

function mutate(root: Json, m: Mutation): void {
  if (m.op === 'version') {
    (root as Record<string, Json>).v = m.pick % 4; // 1 is the supported major, 0, 2 and 3 are not
    return;
  }
  const all = paths(root);
  if (all.length === 0) return;
  const target = parentOf(root, all[m.pick % all.length]!);
  if (target === undefined) return;
  const { parent, key } = target;
  const bag = parent as Record<string | number, Json>;
  if (m.op === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete bag[key];
  } else if (m.op === 'replace') {
    bag[key] = m.value;
  } else if (m.op === 'rename' && !Array.isArray(parent)) {
    bag[`${key}_`] = bag[key] ?? null;
    delete bag[key];
  } else {
    bag[key] = [bag[key] ?? null];
  }
}

/** Valid messages (as JSON text) of every sample, to mutate. */
const validMessages = samples.map((s) => ({ kind: s.kind, json: encode(s.kind, s.body, envelope) }));

describe('fuzz: decode never throws and returns a documented shape', () => {
  afterAll(() => {
    expect(checked).toBeGreaterThanOrEqual(10_000);
    expect([...seen.keys()].sort()).toEqual(['ok', ...DECODE_ERROR_CODES].sort());
    if (process.env.FUZZ_STATS) console.log(checked, Object.fromEntries(seen));
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(kindArb, fc.uint8Array({ maxLength: 512 }), (kind, bytes) => {
        assertShape(safeDecode(T[kind], bytes));
      }),
      { numRuns: 2_500, seed: SEED },
    );
  });

  it('random JSON, bare and inside a valid envelope', () => {
    fc.assert(
      fc.property(kindArb, fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (kind, value, wrap) => {
        const payload = JSON.stringify(wrap ? { v: 1, ...envelope, body: value } : value) ?? 'null';
        assertShape(safeDecode(T[kind], payload));
      }),
      { numRuns: 2_500, seed: SEED + 1 },
    );
  });

  it('random topics with valid payloads', () => {
    const topicArb = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.tuple(fc.string({ maxLength: 70, unit: 'binary' }), kindArb).map(([p, k]) => `sdfl/v1/${p}/${k}`),
    );
    fc.assert(
      fc.property(topicArb, fc.constantFrom(...validMessages), (topic, m) => {
        assertShape(safeDecode(topic, m.json));
      }),
      { numRuns: 1_000, seed: SEED + 2 },
    );
  });

  it('mutated valid messages: dropped fields, wrong types, huge strings, cut and flipped bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...validMessages),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('string', 'bytes', 'truncate', 'flip'),
        fc.nat(),
        fc.option(fc.integer({ min: 0, max: 4096 }), { freq: 5 }),
        (m, mutations, transport, at, maxBytes) => {
          const json = JSON.parse(m.json) as Json;
          for (const mutation of mutations) mutate(json, mutation);
          const text = JSON.stringify(json);
          const bytes = new TextEncoder().encode(text);
          let payload: Uint8Array | string = text;
          if (transport === 'bytes') payload = bytes;
          if (transport === 'truncate') payload = bytes.subarray(0, at % (bytes.length + 1));
          if (transport === 'flip') {
            payload = bytes.slice();
            const i = at % payload.length;
            payload[i] = payload[i]! ^ (1 << at % 8);
          }
          assertShape(safeDecode(T[m.kind], payload, maxBytes ?? undefined));
        },
      ),
      { numRuns: 4_500, seed: SEED + 3 },
    );
  });

  it('still accepts the unmutated messages (the oracle is not vacuous)', () => {
    for (const m of validMessages) {
      const r = safeDecode(T[m.kind], m.json);
      expect(r.ok).toBe(true);
      assertShape(r);
    }
  });
});
