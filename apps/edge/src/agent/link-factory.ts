import type { Logger } from 'pino';
import type { EdgeConfig } from '../config';
import { type BirthState, Link } from '../link/index';
import type { EdgeDb } from '../store/index';

/** Package version, reported in the birth certificate. */
export const AGENT_VERSION = '0.1.0';

/** The agent's MQTT link as the config describes it. */
export function linkFor(config: Readonly<EdgeConfig>, db: EdgeDb, log: Logger): (stateProvider: () => BirthState) => Link {
  return (stateProvider) =>
    new Link({
      platformId: config.platformId,
      brokerUrl: config.broker.url,
      ...(config.broker.username ? { username: config.broker.username } : {}),
      ...(config.broker.password ? { password: config.broker.password } : {}),
      keepaliveS: config.broker.keepaliveS,
      reconnectPeriodMs: config.broker.reconnectPeriodMs,
      receiptTimeoutMs: config.broker.receiptTimeoutMs,
      maxReceiptTimeoutMs: config.broker.maxReceiptTimeoutMs,
      agentVersion: AGENT_VERSION,
      db,
      log: log.child({ name: 'edge:link' }),
      stateProvider,
    });
}
