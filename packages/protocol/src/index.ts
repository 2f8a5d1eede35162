/**
 * `@sdfl/protocol` — the MQTT wire of the SDFL stack: topic tree, zod schemas of every message,
 * and `encode` / `decode`. The only place that builds or parses topics and payloads.
 *
 * @example
 * ```ts
 * import { createSender, decode, topics } from '@sdfl/protocol';
 *
 * const sender = createSender({ session: 1 });
 * const { payload } = sender.encode('cmd', { type: 'ping' });
 * const r = decode(topics('rig-1').cmd, payload);
 * if (r.ok && r.kind === 'cmd') console.log(r.message.body.type); // 'ping'
 * ```
 *
 * @packageDocumentation
 */
export * from './constants';
export {
  ProtocolError,
  TopicError,
  EncodeError,
  DECODE_ERROR_CODES,
  type DecodeErrorCode,
  type DecodeFailure,
  type PayloadIssue,
  type ProtocolErrorCode,
  type ProtocolErrorOptions,
} from './errors';
export {
  ALL_TOPICS_FILTER,
  CLOUD_SUBSCRIPTIONS,
  assertPlatformId,
  edgeSubscriptions,
  isPlatformId,
  parseTopic,
  platformIdProblem,
  platformIdSchema,
  sharedSubscription,
  subscriptionFilter,
  topicFor,
  topics,
  type ParseTopicResult,
  type ParsedTopic,
  type PlatformTopics,
} from './topics';
export * from './schemas/common';
export * from './schemas/state';
export * from './schemas/telemetry';
export * from './schemas/command';
export * from './schemas/ack';
export * from './schemas/result';
export * from './schemas/event';
export * from './schemas/receipt';
export * from './schemas/model-snapshot';
export { bodySchemas, messageSchemas, type AnyMessage, type Body, type BodyInput, type DeepReadonly, type Message } from './messages';
export {
  createDecoder,
  decode,
  type DecodeOptions,
  type DecodeRejected,
  type DecodeResult,
  type DecodeSuccess,
} from './decode';
export {
  createSender,
  encode,
  encodeMessage,
  type EncodeOptions,
  type Encoded,
  type EnvelopeFields,
  type Sender,
  type SenderOptions,
} from './encode';
