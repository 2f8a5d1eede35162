/**
 * A real MQTT broker for tests: the embedded aedes 1.2 (MQTT 3.1.1) on 127.0.0.1. `stop()` is an
 * outage as clients see it; `restart()` listens again on the same port with the same aedes, so
 * persistent sessions (clean: false) and their queued QoS 1 messages survive.
 */
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/sim/embedded-broker';

export type TestBroker = EmbeddedBroker;
export const startBroker = (): Promise<TestBroker> => startEmbeddedBroker();
