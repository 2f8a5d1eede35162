export * from './evaluate';
export * from './shapley';
export * from './surface';
export * from './uncertainty';
