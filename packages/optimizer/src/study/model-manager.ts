/**
 * When and how the study (re)fits its surrogate: the prior (twin) model until enough local data,
 * then one fit per new training set (cached by its size, since data only ever grows), seeded from
 * the study seed and the model version so a restored study refits the very same model.
 */
import type { Direction } from '../acquisition';
import { deriveSeed } from '../sampling/prng';
import type { Surrogate } from '../surrogate';
import { StudyError } from './errors';
import { type Fantasy, fantasyOverlay } from './fantasy';
import type { FitOptions, ModelPurpose, PendingOptions, SnapshotSurrogate, SurrogateFactory, SurrogateLoader, TrainingData } from './types';

/** The model a decision uses and its version (0 = prior model). */
export interface VersionedModel {
  model: Surrogate;
  version: number;
  purpose: ModelPurpose;
}

interface Cached {
  version: number;
  nTrain: number;
  purpose: ModelPurpose;
  model?: SnapshotSurrogate;
  snapshot?: unknown;
}

/** Dependencies and settings of a {@link ModelManager}. */
export interface ModelManagerOptions {
  seed: number;
  fit: SurrogateFactory;
  load?: SurrogateLoader;
  warmStart: boolean;
  minFitData: number;
  priorModel?: SnapshotSurrogate;
  /** Snapshot of the prior model to load lazily when `priorModel` is not given (restore). */
  priorSnapshot?: unknown;
  priorRefitAfter: number;
  pending: Required<PendingOptions>;
  /** Objective direction, passed to every fit. */
  direction?: Direction;
}

/** Fits, caches, restores and fantasises the study's surrogate. */
export class ModelManager {
  private cached: Cached | null = null;
  private prior: SnapshotSurrogate | undefined;

  constructor(private readonly o: ModelManagerOptions) {
    this.prior = o.priorModel;
  }

  /** Whether the study has a prior model (given or as a snapshot). */
  get hasPrior(): boolean {
    return this.prior !== undefined || this.o.priorSnapshot != null;
  }

  /** Restores the cache entry of a saved state (the model itself is loaded or refitted lazily). */
  restore(entry: { version: number; nTrain: number; snapshot: unknown; purpose?: ModelPurpose } | null): void {
    this.cached = entry
      ? { version: entry.version, nTrain: entry.nTrain, purpose: entry.purpose ?? 'optimize', ...(entry.snapshot != null ? { snapshot: entry.snapshot } : {}) }
      : null;
  }

  /** Serializable cache entry: version, training-set size, purpose and the snapshot when one exists. */
  serialize(): { version: number; nTrain: number; snapshot: unknown; purpose?: ModelPurpose } | null {
    const c = this.cached;
    if (!c) return null;
    return { version: c.version, nTrain: c.nTrain, snapshot: c.model ? c.model.toJSON() : (c.snapshot ?? null), ...(c.purpose === 'learn' ? { purpose: c.purpose } : {}) };
  }

  /** Serializable snapshot of the prior model, or null. */
  priorSnapshot(): unknown {
    return this.prior ? this.prior.toJSON() : (this.o.priorSnapshot ?? null);
  }

  private async priorModel(): Promise<SnapshotSurrogate | undefined> {
    if (!this.prior && this.o.priorSnapshot != null) {
      if (!this.o.load) throw new StudyError('NO_MODEL', 'the study has a prior model snapshot but no loader to rebuild it');
      this.prior = await this.o.load(this.o.priorSnapshot);
    }
    return this.prior;
  }

  /**
   * The model for decisions on `data` (all successful results), or undefined when there is too
   * little data and no prior model (callers then fill space).
   * @param localSuccesses successful results of this study (excluding transferred ones)
   * @param purpose what the model is for; a cached model for the other purpose is refitted
   */
  async base(data: TrainingData, localSuccesses: number, purpose: ModelPurpose = 'optimize'): Promise<VersionedModel | undefined> {
    const prior = await this.priorModel();
    if (prior && (localSuccesses < this.o.priorRefitAfter || data.y.length < this.o.minFitData)) return { model: prior, version: 0, purpose };
    if (data.y.length < this.o.minFitData) return undefined;
    const c = this.cached;
    if (c && c.nTrain === data.y.length && c.purpose === purpose) {
      if (!c.model) {
        // Restored: rebuild from the snapshot, or refit with the same version seed (identical if fit is deterministic).
        c.model = c.snapshot != null && this.o.load ? await this.o.load(c.snapshot) : await this.o.fit(data, this.fitOptions(c.version, undefined, purpose));
      }
      return { model: c.model, version: c.version, purpose };
    }
    const version = (c?.version ?? 0) + 1;
    // A restored entry's snapshot is loaded first, so the warm start is the live study's.
    if (this.o.warmStart && c && !c.model && c.snapshot != null && this.o.load) c.model = await this.o.load(c.snapshot);
    const init = this.o.warmStart ? (c?.model ?? prior) : undefined;
    const model = await this.o.fit(data, this.fitOptions(version, init, purpose));
    this.cached = { version, nTrain: data.y.length, purpose, model };
    return { model, version, purpose };
  }

  /**
   * The base model updated with fantasies of the pending experiments: conditioned on them (models
   * with `withData`, e.g. the GP), refitted (seeded by the base version and the fantasy count) or,
   * for the prior model or with `refit: false`, overlaid.
   */
  async withFantasies(base: VersionedModel, data: TrainingData, fantasies: readonly Fantasy[]): Promise<Surrogate> {
    if (fantasies.length === 0) return base.model;
    if (!this.o.pending.refit || base.version === 0) return fantasyOverlay(base.model, fantasies, this.o.pending.overlayWidth);
    const x = [...data.x, ...fantasies.map((f) => [...f.cube])];
    const y = [...data.y, ...fantasies.map((f) => f.value)];
    // A GP conditions on the fantasies with its hyper-parameters kept (the kriging believer proper).
    const model = base.model as SnapshotSurrogate;
    if (model.withData) return model.withData({ x, y });
    const init = this.o.warmStart ? (base.model as SnapshotSurrogate) : undefined;
    const seed = deriveSeed(this.o.seed, 'fantasy', base.version, fantasies.length);
    return this.o.fit({ x, y }, { seed, purpose: base.purpose, ...this.direction(), ...(init ? { init } : {}) });
  }

  private fitOptions(version: number, init: SnapshotSurrogate | undefined, purpose: ModelPurpose): FitOptions {
    return { seed: deriveSeed(this.o.seed, 'fit', version), purpose, ...this.direction(), ...(init ? { init } : {}) };
  }

  private direction(): { direction?: Direction } {
    return this.o.direction ? { direction: this.o.direction } : {};
  }
}
