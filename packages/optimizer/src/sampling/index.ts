export * from './prng';
export * from './sobol';
export * from './lhs';
export * from './stratified';
