/** Gaussian-process surrogate: fitting, prediction, serialization. */
export { Gp, GpError, matern52 } from './gp';
export { fitGp, type FitGpOptions, type GpData } from './fit';
export { type GpTrend } from './trend';
export { GP_FORMAT, GP_FORMAT_V1, GP_FORMAT_V3, type GpHyper, type GpJson, type GpMetadata } from './types';
