import { Worker } from 'node:worker_threads';
import type { PumpId } from '@sdfl/chemistry';
import type { Gpio, GpioLevel, GpioLine } from '../devices/gpio';
import type { ControlPort, ControlStatus } from './control-loop';
import type { InterlockName, PumpObservation, Trip } from './interlocks';
import { absoluteNowMs, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol';

export interface ControlWorkerOptions {
  init: WorkerInit;
  /** Stops every pump (urgent); called the moment the worker asks, on the main thread. */
  stopAllPumps: () => Promise<void>;
  onTrip: (trip: Trip & { latencyMs: number }) => void;
}

const BOOTING: ControlStatus = { safe: true, safeReasons: ['boot'], temperatureC: null, setpointC: null, heaterOutput: 0, jitter: { p50Ms: 0, p99Ms: 0, maxMs: 0, ticks: 0 } };

/**
 * The control loop in its own worker thread, seen from the main thread through the same
 * ControlPort as the in-process loop. The worker owns GPIO and the heater; `gpio` here is a proxy
 * through which the optics switch the LED and shutter.
 */
export class ControlWorker implements ControlPort {
  private worker: Worker | null = null;
  private last: ControlStatus = BOOTING;
  private tripped = false;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly o: ControlWorkerOptions) {}

  get isSafe(): boolean {
    return this.tripped || this.last.safe;
  }

  /** Callbacks per watched line; the worker forwards a line's changes while it has any. */
  private readonly watchers = new Map<GpioLine, Set<(value: GpioLevel) => void>>();

  /**
   * The worker's GPIO seen from this thread. `watch` works across the thread boundary: the worker
   * watches the line on its GPIO and posts every change (edges arrive a message hop late, so
   * nothing safety-critical may hang on them: the interlocks watch the e-stop inside the worker).
   */
  readonly gpio: Gpio = {
    write: async (line: GpioLine, value: GpioLevel) => void (await this.request({ t: 'gpioWrite', line, value })),
    read: async (line: GpioLine) => (await this.request({ t: 'gpioRead', line })) as GpioLevel,
    watch: (line: GpioLine, cb: (value: GpioLevel) => void) => {
      let set = this.watchers.get(line);
      if (!set) {
        this.watchers.set(line, (set = new Set()));
        this.post({ t: 'gpioWatch', line, on: true });
      }
      set.add(cb);
      return () => {
        if (!set.delete(cb) || set.size > 0) return;
        this.watchers.delete(line);
        this.post({ t: 'gpioWatch', line, on: false });
      };
    },
    close: async () => undefined,
  };

  async start(): Promise<void> {
    const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: this.o.init });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: FromWorker) => {
        if (m.t === 'ready') resolve();
        this.receive(m);
      });
    });
    // Watches taken before the worker ran.
    for (const line of this.watchers.keys()) this.post({ t: 'gpioWatch', line, on: true });
    // A dead control thread is a watchdog failure: the outputs it held are unknown. Not so once
    // stop() let go of it (terminate() exits with code 1) or after the first report ('error' then 'exit').
    worker.on('error', () => this.worker === worker && this.fail('control worker crashed'));
    worker.on('exit', (code) => this.worker === worker && this.fail(`control worker exited (${code})`));
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.request({ t: 'stop' });
    this.worker = null;
    await worker.terminate();
  }

  status(): ControlStatus {
    return this.last;
  }

  async setSetpoint(c: number): Promise<void> {
    await this.request({ t: 'setSetpoint', c });
  }

  observePump(id: PumpId, obs: PumpObservation): void {
    this.post({ t: 'observePump', id, obs });
  }

  setContents(contentsUl: Partial<Record<PumpId, number>>): void {
    this.post({ t: 'contents', contentsUl });
  }

  async raise(interlock: InterlockName, detail: string): Promise<void> {
    await this.request({ t: 'raise', interlock, detail });
  }

  async clearSafe(): Promise<{ cleared: boolean; active: string[] }> {
    const r = (await this.request({ t: 'clearSafe' })) as { cleared: boolean; active: string[] };
    if (r.cleared) {
      this.tripped = false;
      this.last = { ...this.last, safe: false, safeReasons: [] };
    }
    return r;
  }

  async latch(): Promise<void> {
    this.tripped = true;
    await this.request({ t: 'latch' });
  }

  private receive(m: FromWorker): void {
    switch (m.t) {
      case 'ready':
      case 'status':
        // Not a reason to forget `tripped`: a status posted before the worker saw latch() (or
        // before its trip) is stale; only clearSafe() clears it.
        this.last = m.status;
        return;
      case 'stopPumps':
        void this.o.stopAllPumps();
        return;
      case 'gpioLevel':
        for (const cb of [...(this.watchers.get(m.line) ?? [])]) cb(m.value);
        return;
      case 'trip': {
        this.tripped = true;
        // SAFE latency: the worker's outputs, and the pump stops issued here, whichever came last.
        const pumpsIssuedMs = absoluteNowMs() - m.detectedAtAbsMs;
        this.o.onTrip({ ...m.trip, latencyMs: Math.max(m.trip.latencyMs, pumpsIssuedMs) });
        return;
      }
      case 'reply': {
        const w = this.waiting.get(m.req);
        this.waiting.delete(m.req);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.value);
      }
    }
  }

  private fail(detail: string): void {
    this.worker = null;
    this.tripped = true;
    void this.o.stopAllPumps();
    this.o.onTrip({ interlock: 'watchdog', detail, detectedAtMs: Date.now(), latencyMs: 0 });
    // No reply will come: callers (setpoint, clearSafe, stop) fail instead of waiting forever.
    for (const w of this.waiting.values()) w.reject(new Error(detail));
    this.waiting.clear();
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private request(m: DistributiveOmit<ToWorker, 'req'>): Promise<unknown> {
    const req = this.next++;
    return new Promise((resolve, reject) => {
      if (!this.worker) return reject(new Error('control worker not running'));
      this.waiting.set(req, { resolve, reject });
      this.post({ ...m, req } as ToWorker);
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
