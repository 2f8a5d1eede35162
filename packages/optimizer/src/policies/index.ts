export * from './duplicates';
export * from './faces';
export * from './feasibility';
export * from './optimize';
export * from './policy';
export * from './trust-region';
