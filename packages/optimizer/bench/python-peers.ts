/**
 * The Python peer process (bench/peers.py on Debian's /usr/bin/python3): Optuna TPE and the
 * scikit-learn GP-EI as ask/tell runs, and the textbook scikit-learn GP as a one-shot twin fit.
 * One process per bench; requests are served one after another.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';

/** A running bench/peers.py. */
export class PythonPeers {
  private lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts bench/peers.py, or returns the reason it cannot run. */
  static async start(): Promise<PythonPeers | string> {
    if (!existsSync(PYTHON)) return `${PYTHON} not found`;
    const check = spawn(PYTHON, ['-c', 'import optuna, sklearn, scipy']);
    const err: string[] = [];
    check.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    const code = await new Promise<number | null>((resolve) => check.on('close', resolve));
    if (code !== 0) return `python peers need Debian's python3-optuna and python3-sklearn (${err.join('').trim().split('\n').at(-1)})`;
    const child = spawn(PYTHON, [fileURLToPath(new URL('./peers.py', import.meta.url))], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`peers.py: ${d.toString()}`));
    const peers = new PythonPeers(child);
    await peers.read();
    return peers;
  }

  private async read(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('peers.py exited');
    return JSON.parse(r.value) as Record<string, unknown>;
  }

  /** One optimisation run of `method` (tpe, gpei) from the shared initial design; minimisation. */
  async run(method: string, dim: number, seed: number, budget: number, init: number[][], evaluate: (x: number[]) => number): Promise<{ xs: number[][]; ms: number[] }> {
    this.child.stdin.write(`${JSON.stringify({ method, dim, budget, seed, init })}\n`);
    const xs: number[][] = [];
    const ms: number[] = [];
    for (;;) {
      const m = await this.read();
      if (m.done) return { xs, ms };
      const x = m.x as number[];
      xs.push(x);
      ms.push(m.ms as number);
      this.child.stdin.write(`${JSON.stringify({ y: evaluate(x) })}\n`);
    }
  }

  /** Fits the textbook scikit-learn GP to (x, y) and returns its posterior mean at `test`. */
  async twin(x: readonly (readonly number[])[], y: readonly number[], test: readonly (readonly number[])[], seed: number): Promise<number[]> {
    this.child.stdin.write(`${JSON.stringify({ method: 'twin', x, y, test, seed: seed % 2 ** 31 })}\n`);
    return (await this.read()).mean as number[];
  }

  stop(): void {
    this.child.stdin.end();
  }
}
