/** Predictions of a probabilistic surrogate on a batch of unit-cube points (original output units). */
export interface Prediction {
  /** Ensemble mean per point. */
  mean: Float64Array;
  /** Standard deviation across ensemble members per point (the model's epistemic uncertainty). */
  std: Float64Array;
}

/**
 * A trained surrogate of an objective over the unit cube [0,1]^d: the contract between the ENN
 * (or any other model) and the policies, studies and twin analysis.
 */
export interface Surrogate {
  /** Input dimension d. */
  readonly dim: number;
  /** Number of ensemble members M. */
  readonly members: number;
  /** Ensemble mean and spread for each row of `x` (n x d, row-major or array of rows). */
  predict(x: readonly (readonly number[])[]): Prediction;
  /** Each member's prediction: members x n (used for SHAP spread across members). */
  predictMembers(x: readonly (readonly number[])[]): Float64Array[];
}
