export * from './types';
export * from './errors';
export * from './fantasy';
export * from './study';
export { AUTO_GP_MAX_POINTS, autoFit, defaultFit, defaultLoad, ennFit, gpFit, loadSurrogate, snapshotPurpose, surrogateFit } from './default-surrogate';
export * from './transform';
export * from './create';
