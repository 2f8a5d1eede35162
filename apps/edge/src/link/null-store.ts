/**
 * An mqtt.js outgoing store that keeps nothing.
 *
 * Why: mqtt.js keeps every unacknowledged QoS 1 PUBLISH in an in-memory `outgoingStore` and, on a
 * `clean: false` reconnect, re-sends it with its original packet id before emitting `connect`
 * (MQTT 3.1.1 section 4.4). Our durable outbox already re-sends every un-PUBACKed row on the next
 * connection, and it survives a process crash, which the in-memory store does not. Running both
 * would put the same message on the wire twice after every reconnect and make delivery order
 * depend on two queues. So the outbox is the single source of truth and this store forgets.
 *
 * Consequence: a re-sent row carries a new packet id and no DUP flag. For QoS 1 that is harmless:
 * the broker keeps no per-packet-id state for inbound QoS 1 (section 4.3.2 only obliges it to
 * PUBACK), and receivers deduplicate on the envelope `id`, which is unchanged because the stored
 * bytes are re-sent. The link never calls `publish` while disconnected (mqtt.js would otherwise
 * `put` it here and drop it), and it settles the dropped callbacks itself on `close`.
 *
 * @module
 */
import { Store, type DoneCallback, type IStore, type Packet, type PacketCallback } from 'mqtt';

/**
 * An {@link IStore} that accepts every packet and returns none.
 *
 * @example
 * ```ts
 * mqtt.connect(url, { clean: false, outgoingStore: new NullStore() });
 * ```
 */
export class NullStore implements IStore {
  /** Never written to: only its (empty) replay stream is used, in mqtt.js's own stream type. */
  readonly #empty = new Store();

  /** Accepts and forgets the packet. */
  put(_packet: Packet, cb: DoneCallback): this {
    cb();
    return this;
  }

  /** An empty stream: nothing is replayed on reconnect. */
  createStream(): ReturnType<IStore['createStream']> {
    return this.#empty.createStream();
  }

  /**
   * Succeeds for any id. mqtt.js calls `del` on every PUBACK and passes a `del` error on to the
   * publish callback, so "missing packet" here would turn each successful PUBACK into an error.
   */
  del(packet: Pick<Packet, 'messageId'>, cb: PacketCallback): this {
    cb(undefined, packet as Packet);
    return this;
  }

  /** Never finds anything. */
  get(_packet: Pick<Packet, 'messageId'>, cb: PacketCallback): this {
    cb(new Error('NullStore keeps no packets'));
    return this;
  }

  /** Nothing to release. */
  close(cb: DoneCallback): void {
    cb();
  }
}
