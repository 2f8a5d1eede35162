export * from './clock';
export * from './optics';
export * from './random';
export * from './timer-host';
export * from './real-clock';
export * from './virtual-clock';
export * from './devices/gpio';
