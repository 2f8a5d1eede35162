export * from './types';
export * from './errors';
export * from './fantasy';
export * from './study';
export { defaultFit, defaultLoad } from './default-surrogate';
export * from './transform';
export * from './create';
