import { execFile } from 'node:child_process';

/**
 * systemd's notify protocol through the `systemd-notify` binary (the unit has NotifyAccess=all,
 * since the binary is a child process). Does nothing outside systemd (no NOTIFY_SOCKET).
 */
export function sdNotify(state: 'READY=1' | 'WATCHDOG=1' | 'STOPPING=1' | `STATUS=${string}`): Promise<void> {
  if (!process.env.NOTIFY_SOCKET) return Promise.resolve();
  return new Promise((resolve) => execFile('systemd-notify', [state], () => resolve()));
}

/** Half of WatchdogSec (docs/devices.md §5: ping at most every WatchdogSec/2), or null without a watchdog. */
export function watchdogIntervalMs(): number | null {
  const usec = Number(process.env.WATCHDOG_USEC);
  return Number.isFinite(usec) && usec > 0 ? usec / 2_000 : null;
}
