/**
 * Options, events and return types of the {@link Link}.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { BodyInput } from '@sdfl/protocol';
import type { EdgeDb } from '../store/index';

/** The birth body the state provider supplies; the link adds `status` and `agentVersion`. */
export type BirthState = Omit<Extract<BodyInput<'state'>, { status: 'online' }>, 'status' | 'agentVersion'>;

/** Options of {@link Link}. */
export interface LinkOptions {
  readonly platformId: string;
  /** e.g. `mqtt://127.0.0.1:1883`. */
  readonly brokerUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** MQTT client id; default `sdfl-edge-{platformId}`. Fixed per platform so that the broker resumes the session. */
  readonly clientId?: string;
  /** MQTT keepalive, s (MQTT 3.1.1 section 3.1.2.10; the broker drops us after 1.5x without traffic). */
  readonly keepaliveS: number;
  /** Wait between reconnect attempts, ms. */
  readonly reconnectPeriodMs: number;
  /** Give up a CONNECT without CONNACK after this long, ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Edge agent version, advertised in the birth. */
  readonly agentVersion: string;
  /** The open edge database (not closed by the link). */
  readonly db: EdgeDb;
  /** Logger; pass `rootLog.child({ module: 'edge:link' })`. */
  readonly log: Logger;
  /** Current birth body; called on every connect and on {@link Link.updateState}. */
  readonly stateProvider: () => BirthState;
  /** Outbox rows awaiting PUBACK at once. Default 16. */
  readonly maxInFlight?: number;
  /**
   * Wait after a PUBACK for the cloud's receipt of a result or event before publishing it again,
   * real ms (not the agent's Clock). Default 30000. Doubles after each unanswered re-send.
   */
  readonly receiptTimeoutMs?: number;
  /** Longest wait for a receipt once it has doubled, real ms. Default 300000. */
  readonly maxReceiptTimeoutMs?: number;
  /** Seq numbers reserved per meta write (see `sequence.ts`). Default 1000. */
  readonly seqBlock?: number;
  /** How long `stop()` waits for PUBACKs and the offline state, ms. Default 2000. */
  readonly stopTimeoutMs?: number;
  /** Current time, ms since the epoch; default `Date.now`. Inject the shared Clock. */
  readonly now?: () => number;
}

/** Where a queued message went: its outbox row and envelope. */
export interface QueuedMessage {
  /** Outbox row (delivery order). */
  readonly outboxSeq: number;
  /** Envelope `id` (stable across re-sends). */
  readonly id: string;
  /** Envelope `seq`. */
  readonly seq: number;
  readonly session: number;
}

/** Events of a {@link Link}. */
export interface LinkEvents {
  /** Connected, birth sent, outbox draining. */
  online: [session: number];
  /** The connection was lost (or the link stopped). */
  offline: [];
  /** The broker acknowledged everything: nothing queued, nothing awaiting PUBACK. */
  drained: [];
  /** The outbox became empty: every result and event receipted by the cloud, every ack PUBACKed. */
  empty: [];
}
