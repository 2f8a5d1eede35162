/** Ensemble neural network surrogate: fitting, structure search, serialization. */
export { Enn, type TrainingSummary } from './enn';
export { EnnError, type EnnErrorCode } from './errors';
export { fitEnn, type EnnData, type FitEnnOptions } from './fit';
export { r2 } from './metrics';
export {
  DEFAULT_CANDIDATES,
  randomStructures,
  selectStructure,
  type CandidateReport,
  type SelectStructureOptions,
  type StructureSelection,
} from './structure';
export type { TrainCheck } from './train';
export { DEFAULT_STRUCTURE, ENN_FORMAT, type EnnActivation, type EnnJson, type EnnLayer, type EnnMetadata, type EnnStructure, type Scaler } from './types';
