/** Gaussian-process surrogate: fitting, prediction, serialization. */
export { Gp, GpError, matern52 } from './gp';
export { fitGp, type FitGpOptions, type GpData } from './fit';
export { GP_FORMAT, type GpHyper, type GpJson, type GpMetadata } from './types';
