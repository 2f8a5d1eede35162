/**
 * `@sdfl/hal` — the leaf contracts the edge agent and the simulator both implement or use: the
 * injected {@link Clock} with its real implementation, the timer and abort helpers every clock
 * is built from, and the device-facing GPIO interface. No dependencies, no I/O at import time,
 * so the Pi's real-time code can load it without anything of the simulator.
 *
 * @packageDocumentation
 */
export * from './clock';
export * from './abort';
export * from './timer-host';
export * from './real-clock';
export * from './gpio';
