/**
 * The broker's access rules, as pure functions over an identity and a topic. The embedded broker
 * (aedes hooks) and the Mosquitto ACL file (mosquitto-files.ts) implement the same rules:
 *
 * - a platform publishes only `sdfl/v1/{its id}/{state|telemetry|ack|result|event}` and subscribes
 *   only to the exact topics `sdfl/v1/{its id}/{cmd|receipt}` (no wildcards);
 * - the cloud publishes `cmd` and `receipt` to any platform, and `state` (to clear the retained
 *   birth of a removed platform); it subscribes to any filter under `sdfl/v1/`, wildcards and
 *   shared subscriptions (`$share/{group}/...`) included;
 * - everything else (other roots, `$SYS`, malformed topics) is denied.
 *
 * @module
 */
import { CLOUD_TO_EDGE_KINDS, EDGE_TO_CLOUD_KINDS, TOPIC_ROOT, parseTopic, platformIdProblem, type MessageKind } from '@sdfl/protocol';
import { describeIdentity, type BrokerIdentity } from './identity';

/** Outcome of an ACL check; `reason` says why a request was denied (for the log). */
export type AclDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: AclDecision = Object.freeze({ allowed: true });

const EDGE_KINDS: ReadonlySet<string> = new Set(EDGE_TO_CLOUD_KINDS);
const CLOUD_KINDS: ReadonlySet<string> = new Set(CLOUD_TO_EDGE_KINDS);
/** What the cloud may publish: commands, receipts, and `state` to clear a removed platform's retained birth. */
const CLOUD_PUBLISH_KINDS: ReadonlySet<string> = new Set<MessageKind>([...CLOUD_TO_EDGE_KINDS, 'state']);

function deny(reason: string): AclDecision {
  return { allowed: false, reason };
}

/**
 * May `identity` publish on `topic`? The topic is a PUBLISH topic name (no wildcards allowed).
 * The retain flag does not change the answer: a platform can only publish (and so only retain)
 * on its own topics.
 */
export function mayPublish(identity: BrokerIdentity, topic: string): AclDecision {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return deny(parsed.error.detail);
  const { platform, kind } = parsed.topic;
  if (identity.kind === 'cloud') {
    return CLOUD_PUBLISH_KINDS.has(kind) ? ALLOWED : deny(`the cloud does not publish ${kind}`);
  }
  if (platform !== identity.platformId) {
    return deny(`${describeIdentity(identity)} may not publish for platform ${platform}`);
  }
  return EDGE_KINDS.has(kind) ? ALLOWED : deny(`a platform does not publish ${kind}`);
}

/**
 * Why `filter` is not a valid MQTT topic filter, or `undefined` (MQTT 3.1.1 section 4.7.1:
 * `#` only as the whole last level, `+` only as a whole level; section 4.7.3: not empty, no U+0000).
 */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'empty filter';
  if (filter.includes('\u0000')) return 'filter contains U+0000';
  const levels = filter.split('/');
  for (const [index, level] of levels.entries()) {
    if (level === '#' && index !== levels.length - 1) return '# must be the last level';
    if (level !== '#' && level !== '+' && /[#+]/.test(level)) return 'wildcards must fill a whole level';
  }
  return undefined;
}

/** Splits `$share/{group}/{filter}` (MQTT 5 section 4.8.2) into its filter; other filters pass through. */
function unshare(filter: string): { filter: string } | { problem: string } {
  if (!filter.startsWith('$share/')) return { filter };
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return { problem: 'shared subscription without a group and filter' };
  const groupProblem = platformIdProblem(rest.slice(0, slash));
  if (groupProblem !== undefined) return { problem: `invalid share group: ${groupProblem}` };
  return { filter: rest.slice(slash + 1) };
}

/**
 * May `identity` subscribe to `filter`? A platform: only the exact topics `sdfl/v1/{its id}/cmd`
 * and `.../receipt`. The cloud: any valid filter under `sdfl/v1/` (the filter `sdfl/v1/#` included),
 * optionally as a shared subscription.
 */
export function maySubscribe(identity: BrokerIdentity, filter: string): AclDecision {
  if (identity.kind === 'platform') {
    const parsed = parseTopic(filter);
    // parseTopic rejects wildcards in the platform level; the kind level must be a literal kind.
    if (parsed.ok && parsed.topic.platform === identity.platformId && CLOUD_KINDS.has(parsed.topic.kind)) {
      return ALLOWED;
    }
    return deny(`${describeIdentity(identity)} may subscribe only to its own ${CLOUD_TO_EDGE_KINDS.join(' and ')} topics`);
  }
  const unshared = unshare(filter);
  if ('problem' in unshared) return deny(unshared.problem);
  const problem = topicFilterProblem(unshared.filter);
  if (problem !== undefined) return deny(problem);
  if (unshared.filter !== `${TOPIC_ROOT}/#` && !unshared.filter.startsWith(`${TOPIC_ROOT}/`)) {
    return deny(`the cloud subscribes only under ${TOPIC_ROOT}/`);
  }
  return ALLOWED;
}

/**
 * May a message on `topic` be delivered to `identity`? Checked on every delivery as a second line
 * of defence (Mosquitto does the same with its read ACL), so that a subscription restored from a
 * stored session can never leak another platform's traffic.
 */
export function mayReceive(identity: BrokerIdentity, topic: string): boolean {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return false;
  if (identity.kind === 'cloud') return true;
  return parsed.topic.platform === identity.platformId && CLOUD_KINDS.has(parsed.topic.kind);
}
