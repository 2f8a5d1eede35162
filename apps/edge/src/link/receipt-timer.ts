/**
 * When to publish a result or event again that the broker PUBACKed but the cloud never receipted.
 *
 * The wait is real (monotonic) time, not the agent's Clock: it is about the network and the cloud,
 * which do not run faster in a simulation. It starts at `receiptTimeoutMs` and doubles after every
 * timeout re-send that no receipt followed, up to `maxReceiptTimeoutMs`, so a cloud that is down
 * for hours is not flooded; any receipt (or a `resend` request) brings it back to the start value.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** Options of the receipt timeout (also accepted by the outbox pump and the link). */
export interface ReceiptTimerOptions {
  /** Wait after a PUBACK for the cloud's receipt before publishing a row again, ms. Default 30000. */
  readonly receiptTimeoutMs?: number;
  /** Longest wait once it has doubled after unanswered re-sends, ms. Default 300000 (5 min). */
  readonly maxReceiptTimeoutMs?: number;
}

/** Default {@link ReceiptTimerOptions.receiptTimeoutMs}, ms. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 30_000;
/** Default {@link ReceiptTimerOptions.maxReceiptTimeoutMs}, ms. */
export const DEFAULT_MAX_RECEIPT_TIMEOUT_MS = 300_000;

/**
 * Tracks, per outbox seq, when its last PUBACK arrived on this connection, and reports the rows
 * whose receipt is overdue. Holds seqs only (payloads stay in SQLite).
 */
export class ReceiptTimer {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #onDue: (seqs: number[]) => void;
  #currentMs: number;
  /** seq -> monotonic ms of its PUBACK; insertion order is time order (re-tracking moves a seq last). */
  readonly #since = new Map<number, number>();
  #handle: NodeJS.Timeout | undefined;

  /** @param onDue - called with the overdue seqs (already forgotten here), oldest first. */
  constructor(options: ReceiptTimerOptions, onDue: (seqs: number[]) => void) {
    this.#baseMs = Math.max(1, options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS);
    this.#maxMs = Math.max(this.#baseMs, options.maxReceiptTimeoutMs ?? DEFAULT_MAX_RECEIPT_TIMEOUT_MS);
    this.#currentMs = this.#baseMs;
    this.#onDue = onDue;
  }

  /** The current wait, ms. */
  get timeoutMs(): number {
    return this.#currentMs;
  }

  /** Rows PUBACKed now: their wait for a receipt starts. */
  track(seqs: readonly number[]): void {
    const now = performance.now();
    for (const seq of seqs) {
      this.#since.delete(seq);
      this.#since.set(seq, now);
    }
    this.#arm();
  }

  /** Rows receipted, or about to be re-sent: stop waiting for them. */
  forget(seqs: readonly number[]): void {
    for (const seq of seqs) this.#since.delete(seq);
    if (this.#since.size === 0) this.#disarm();
  }

  /** Every tracked seq, ascending. */
  tracked(): number[] {
    return [...this.#since.keys()].sort((a, b) => a - b);
  }

  /** The cloud answered: back to the initial wait. */
  cloudHeard(): void {
    this.#currentMs = this.#baseMs;
  }

  /** Forgets everything (a new connection re-sends the whole outbox anyway). */
  clear(): void {
    this.#since.clear();
    this.#disarm();
  }

  /** Stops the timer (shutdown); same as {@link clear}. */
  stop(): void {
    this.clear();
  }

  #arm(): void {
    if (this.#handle !== undefined) return;
    const first = this.#since.values().next();
    if (first.done === true) return;
    const delay = Math.max(0, first.value + this.#currentMs - performance.now());
    this.#handle = setTimeout(() => this.#fire(), delay);
    this.#handle.unref(); // a pending re-send must not keep the process alive
  }

  #disarm(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #fire(): void {
    this.#handle = undefined;
    const now = performance.now();
    const due: number[] = [];
    for (const [seq, at] of this.#since) {
      if (at + this.#currentMs > now) break;
      due.push(seq);
    }
    for (const seq of due) this.#since.delete(seq);
    if (due.length > 0) {
      this.#currentMs = Math.min(this.#currentMs * 2, this.#maxMs);
      this.#onDue(due.sort((a, b) => a - b));
    }
    this.#arm();
  }
}
