/** One pending timer of a {@link TimerQueue}. */
export interface Timer {
  /** Clock time at which it is due, ms. */
  readonly deadline: number;
  /** Insertion order: breaks ties between equal deadlines (first scheduled fires first). */
  readonly seq: number;
  readonly fire: () => void;
  /** Set by `cancel()`; a cancelled timer never fires and is dropped lazily. */
  cancelled: boolean;
}

const before = (a: Timer, b: Timer) => a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);

/**
 * Binary min-heap of timers ordered by deadline, then insertion. Cancellation is O(1) (lazy
 * deletion); `size` counts live timers only.
 */
export class TimerQueue {
  private readonly heap: Timer[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Number of timers that are neither fired nor cancelled. */
  get size(): number {
    return this.live;
  }

  /** Schedules `fire` at `deadline`; the returned timer can be passed to `cancel`. */
  push(deadline: number, fire: () => void): Timer {
    const timer: Timer = { deadline, seq: this.nextSeq++, fire, cancelled: false };
    this.heap.push(timer);
    this.live++;
    this.siftUp(this.heap.length - 1);
    return timer;
  }

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** The earliest live timer, without removing it. */
  peek(): Timer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer if it is due at `now`. It counts as fired. */
  popDue(now: number): Timer | undefined {
    const head = this.peek();
    if (head === undefined || head.deadline > now) return undefined;
    this.removeHead();
    head.cancelled = true; // fired: a later cancel() is a no-op
    this.live--;
    return head;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.removeHead();
  }

  private removeHead(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
