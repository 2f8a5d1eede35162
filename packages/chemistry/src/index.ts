export * from './errors';
export * from './config';
export * from './condition';
export * from './geometry';
export * from './condition-space';
export * from './flows';
export * from './features/index';
