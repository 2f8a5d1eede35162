export * from './surrogate';
// Sampling, acquisition, policies and the ask/tell study.
export { createPrng, deriveSeed, splitmix32, uniformSample, type Prng } from './sampling/prng';
export * from './sampling/sobol';
export * from './sampling/lhs';
export * from './acquisition';
export * from './policies';
export * from './study';
export * from './twin';
// ENN surrogate and the tfjs backend selection.
export * from './enn/index';
// GP surrogate.
export * from './gp/index';
export * from './backend';
