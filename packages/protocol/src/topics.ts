/**
 * The topic tree `sdfl/v1/{platform}/{kind}`: platform id validation, topic builders, the parser
 * and the subscription filters each side uses. No other module in the stack concatenates topics.
 *
 * @module
 */
import { z } from 'zod';
import {
  CLOUD_TO_EDGE_KINDS,
  EDGE_TO_CLOUD_KINDS,
  MAX_PLATFORM_ID_LENGTH,
  MESSAGE_KINDS,
  TOPIC_ROOT,
  type MessageKind,
} from './constants';
import { TopicError, type DecodeFailure } from './errors';
import { describe } from './util';

/** A topic split into its meaningful parts. */
export interface ParsedTopic {
  /** Platform id (third level). */
  readonly platform: string;
  /** Message kind (fourth level). */
  readonly kind: MessageKind;
}

/** Result of {@link parseTopic}; never thrown. */
export type ParseTopicResult =
  | { readonly ok: true; readonly topic: ParsedTopic }
  | { readonly ok: false; readonly error: DecodeFailure & { readonly code: 'UNKNOWN_TOPIC' } };

/** The six topics of one platform, keyed by kind. */
export type PlatformTopics = Readonly<Record<MessageKind, string>>;

/**
 * Characters a platform id may not contain: the MQTT level separator and wildcards
 * (MQTT 3.1.1 section 4.7), whitespace, control and format (invisible) characters, lone surrogates
 * and non-characters (MQTT 3.1.1 section 1.5.3 forbids or discourages the last three).
 */
const FORBIDDEN_CHAR = /[/+#\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Noncharacter_Code_Point}]/u;

const KIND_SET: ReadonlySet<string> = new Set(MESSAGE_KINDS);

/**
 * Why `id` is not a valid platform id, or `undefined` when it is.
 * Valid: a string of 1..64 code points with none of `/ + #`, whitespace, control or format characters.
 */
export function platformIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0) return 'must not be empty';
  // Cheap bound first so that a megabyte-long id is not spread into an array.
  if (id.length > MAX_PLATFORM_ID_LENGTH * 2 || [...id].length > MAX_PLATFORM_ID_LENGTH) {
    return `must be at most ${MAX_PLATFORM_ID_LENGTH} characters`;
  }
  const bad = FORBIDDEN_CHAR.exec(id);
  if (bad !== null) {
    const cp = bad[0].codePointAt(0) ?? 0;
    return `must not contain U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at index ${bad.index})`;
  }
  return undefined;
}

/** True when `id` can be used as a platform id (see {@link platformIdProblem}). */
export function isPlatformId(id: unknown): id is string {
  return platformIdProblem(id) === undefined;
}

/**
 * Throws a {@link TopicError} (code `INVALID_PLATFORM`) unless `id` is a valid platform id.
 *
 * @example
 * ```ts
 * assertPlatformId('rig-1'); // ok
 * assertPlatformId('rig/1'); // throws TopicError
 * ```
 */
export function assertPlatformId(id: unknown): asserts id is string {
  const problem = platformIdProblem(id);
  if (problem !== undefined) {
    throw new TopicError(`invalid platform id ${describe(id)}: ${problem}`);
  }
}

/** zod schema of a platform id, for config files and HTTP bodies. */
export const platformIdSchema = z.string().superRefine((value, ctx) => {
  const problem = platformIdProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `invalid platform id: ${problem}` });
});

/**
 * The topic of one kind for one platform.
 *
 * @throws {TopicError} when `platform` is invalid.
 * @example
 * ```ts
 * topicFor('rig-1', 'result'); // 'sdfl/v1/rig-1/result'
 * ```
 */
export function topicFor(platform: string, kind: MessageKind): string {
  assertPlatformId(platform);
  return `${TOPIC_ROOT}/${platform}/${kind}`;
}

/**
 * All six topics of a platform.
 *
 * @throws {TopicError} when `platform` is invalid.
 * @example
 * ```ts
 * const t = topics('rig-1');
 * client.subscribe(t.cmd, { qos: 1 });
 * ```
 */
export function topics(platform: string): PlatformTopics {
  assertPlatformId(platform);
  const entries = MESSAGE_KINDS.map((kind) => [kind, `${TOPIC_ROOT}/${platform}/${kind}`] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<MessageKind, string>);
}

/**
 * Splits a received topic into platform and kind. Never throws; anything that is not exactly
 * `sdfl/v1/{valid platform}/{kind}` is `UNKNOWN_TOPIC`.
 *
 * @example
 * ```ts
 * const r = parseTopic('sdfl/v1/rig-1/event');
 * if (r.ok) console.log(r.topic.platform, r.topic.kind); // rig-1 event
 * ```
 */
export function parseTopic(topic: unknown): ParseTopicResult {
  if (typeof topic !== 'string') return unknownTopic('topic must be a string');
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return unknownTopic(`topic ${describe(topic)} is not under ${TOPIC_ROOT}/`);
  const rest = topic.slice(prefix.length);
  const slash = rest.lastIndexOf('/');
  const platform = slash < 0 ? '' : rest.slice(0, slash);
  const kind = rest.slice(slash + 1);
  if (slash < 0 || !KIND_SET.has(kind)) {
    return unknownTopic(`topic ${describe(topic)} does not end in a known kind (${MESSAGE_KINDS.join(', ')})`);
  }
  const problem = platformIdProblem(platform);
  if (problem !== undefined) return unknownTopic(`topic ${describe(topic)} has an invalid platform id: ${problem}`);
  return { ok: true, topic: { platform, kind: kind as MessageKind } };
}

/** Filter matching every protocol topic of every platform: `sdfl/v1/#`. */
export const ALL_TOPICS_FILTER = `${TOPIC_ROOT}/#`;

/**
 * The single-level wildcard filter of one kind across all platforms, e.g. `sdfl/v1/+/result`.
 *
 * @example
 * ```ts
 * client.subscribe(subscriptionFilter('result'), { qos: 1 });
 * ```
 */
export function subscriptionFilter(kind: MessageKind): string {
  return `${TOPIC_ROOT}/+/${kind}`;
}

/** Filters the cloud subscribes to: every edge-to-cloud kind of every platform. */
export const CLOUD_SUBSCRIPTIONS: readonly string[] = Object.freeze(EDGE_TO_CLOUD_KINDS.map(subscriptionFilter));

/**
 * Topics an edge subscribes to: its own cloud-to-edge topics only (the broker ACL allows nothing else).
 *
 * @throws {TopicError} when `platform` is invalid.
 */
export function edgeSubscriptions(platform: string): readonly string[] {
  return Object.freeze(CLOUD_TO_EDGE_KINDS.map((kind) => topicFor(platform, kind)));
}

/**
 * A shared subscription `$share/{group}/{filter}` (MQTT 5 section 4.8.2; Mosquitto 2 and EMQX also
 * accept it from 3.1.1 clients) so that several cloud processes split, e.g., result ingestion.
 * The group obeys the platform id rules.
 *
 * @throws {TopicError} when `group` is invalid.
 * @example
 * ```ts
 * sharedSubscription('ingest', subscriptionFilter('result')); // '$share/ingest/sdfl/v1/+/result'
 * ```
 */
export function sharedSubscription(group: string, filter: string): string {
  const problem = platformIdProblem(group);
  if (problem !== undefined) throw new TopicError(`invalid shared subscription group ${describe(group)}: ${problem}`);
  return `$share/${group}/${filter}`;
}

function unknownTopic(detail: string): ParseTopicResult {
  return { ok: false, error: { code: 'UNKNOWN_TOPIC', detail } };
}

