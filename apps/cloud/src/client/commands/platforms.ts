/**
 * `sdfl platform add|list|show|clear-safe|pause|resume|abort` over the HTTP API.
 *
 * @module
 */
import type { Command } from 'commander';
import { apiOptions, defaultReason, printJson, wholeNumber, withClient, type ApiFlags } from './shared';

interface Credentials {
  platformId: string;
  username: string;
  password: string;
}
interface PlatformView {
  id: string;
  pool: string | null;
  status: string;
  revoked: boolean;
  lastSeenAt: string | null;
  stage: string | null;
  safe: boolean | null;
  safeReason: string | null;
  temperature: { pvC: number | null; spC: number | null } | null;
  queueDepth: number;
  current: { experimentId: string; expectedEndAt: string | null } | null;
  activeAlarms: { type: string }[];
}
interface CommandSent {
  platformId: string;
  commandId: string;
  ack: { accepted: boolean; reason: string | null; detail: string | null } | null;
}

/** One line per platform. */
export function platformLine(p: PlatformView): string {
  const t = p.temperature?.pvC != null ? ` ${p.temperature.pvC.toFixed(1)}C${p.temperature.spC != null ? `->${p.temperature.spC.toFixed(0)}C` : ''}` : '';
  const safe = p.safe ? ` SAFE(${p.safeReason ?? '?'})` : '';
  const cur = p.current ? ` running ${p.current.experimentId}` : '';
  const alarms = p.activeAlarms.length ? ` alarms: ${p.activeAlarms.map((a) => a.type).join(',')}` : '';
  return `${p.id}\t${p.revoked ? 'revoked' : p.status}\t${p.stage ?? '-'}${t}${safe}${cur} queue ${p.queueDepth}${p.pool ? ` pool ${p.pool}` : ''}${alarms}`;
}

function printSent(what: string, r: CommandSent): void {
  if (!r.ack) console.log(`${what} sent to ${r.platformId} (command ${r.commandId}); no ack yet, the cloud re-sends it until acked`);
  else if (r.ack.accepted) console.log(`${what} accepted by ${r.platformId} (command ${r.commandId})`);
  else {
    console.error(`${what} refused by ${r.platformId}: ${r.ack.reason ?? ''}${r.ack.detail ? ` (${r.ack.detail})` : ''}`);
    process.exitCode = 1;
  }
}

/** Adds the `platform` client sub-commands to `platform` (the group `cli.ts` created). */
export function registerPlatformCommands(platform: Command): void {
  apiOptions(
    platform
      .command('add <id>')
      .description('register a platform (admin) and print its MQTT credentials (shown once); with --mosquitto-dir also write what Mosquitto needs')
      .option('--pool <name>', 'pool the platform belongs to')
      .option('--mosquitto-dir <dir>', 'folder with the Mosquitto password and ACL files (infra/cloud), updated locally'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { pool?: string; mosquittoDir?: string }) => {
      const creds = await api.post<Credentials>('/platforms', { id, ...(o.pool ? { pool: o.pool } : {}) });
      if (o.mosquittoDir) {
        const { addPlatformToMosquitto } = await import('../../broker/mosquitto-files');
        await addPlatformToMosquitto(o.mosquittoDir, creds.platformId, creds.password);
      }
      if (o.json) return printJson(creds);
      console.log(`platform ${creds.platformId} registered. Its MQTT credentials (shown only now):\n  username: ${creds.username}\n  password: ${creds.password}`);
      if (o.mosquittoDir) console.log(`Mosquitto files updated in ${o.mosquittoDir}: send mosquitto SIGHUP to reload them.`);
    }),
  );

  apiOptions(
    platform
      .command('rotate <id>')
      .description('issue new MQTT credentials (admin; the old password stops working, a revocation is lifted), shown once')
      .requiredOption('--reason <text>', 'why (audited)')
      .option('--mosquitto-dir <dir>', "also replace the platform's line in the Mosquitto files here"),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { reason: string; mosquittoDir?: string }) => {
      const creds = await api.post<Credentials>(`/platforms/${encodeURIComponent(id)}/credentials`, { reason: o.reason });
      if (o.mosquittoDir) {
        const { addPlatformToMosquitto } = await import('../../broker/mosquitto-files');
        await addPlatformToMosquitto(o.mosquittoDir, creds.platformId, creds.password);
      }
      if (o.json) return printJson(creds);
      console.log(`platform ${creds.platformId}: new MQTT credentials (shown only now):\n  username: ${creds.username}\n  password: ${creds.password}`);
    }),
  );

  apiOptions(
    platform
      .command('revoke <id>')
      .description('revoke the MQTT credentials (admin): refused from now on and disconnected at once')
      .requiredOption('--reason <text>', 'why (audited)')
      .option('--mosquitto-dir <dir>', 'also remove the platform from the Mosquitto files here (reload Mosquitto to drop it)'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { reason: string; mosquittoDir?: string }) => {
      const r = await api.post<{ platformId: string; revokedAt: string; disconnected: number }>(`/platforms/${encodeURIComponent(id)}/revoke`, { reason: o.reason });
      if (o.mosquittoDir) {
        const { removePlatformFromMosquitto } = await import('../../broker/mosquitto-files');
        await removePlatformFromMosquitto(o.mosquittoDir, id);
      }
      if (o.json) return printJson(r);
      console.log(`platform ${r.platformId} revoked at ${r.revokedAt}; ${r.disconnected} connection(s) closed`);
    }),
  );

  apiOptions(platform.command('list').description('every platform with its live status')).action(
    withClient(async (api, o: ApiFlags) => {
      const r = await api.get<{ platforms: PlatformView[] }>('/platforms');
      if (o.json) return printJson(r.platforms);
      if (r.platforms.length === 0) console.log('no platforms registered');
      for (const p of r.platforms) console.log(platformLine(p));
    }),
  );

  apiOptions(platform.command('show <id>').description('one platform with its live status')).action(
    withClient(async (api, id: string, o: ApiFlags) => {
      const p = await api.get<PlatformView>(`/platforms/${encodeURIComponent(id)}`);
      if (o.json) return printJson(p);
      console.log(platformLine(p));
    }),
  );

  apiOptions(
    platform
      .command('clear-safe <id>')
      .description("clear a platform's latched SAFE state after checking the rig (operator and reason are logged and sent)")
      .requiredOption('--reason <text>', 'what was checked')
      .option('--operator <name>', 'who checked the rig (default: you)')
      .option('--wait <ms>', 'how long to wait for the ack, ms (at most 30000)', wholeNumber('wait'), 5000),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { reason: string; operator?: string; wait: number }) => {
      const r = await api.post<CommandSent>(`/platforms/${encodeURIComponent(id)}/clear-safe`, { reason: o.reason, waitMs: o.wait, ...(o.operator ? { operator: o.operator } : {}) });
      if (o.json) return printJson(r);
      printSent('clearSafe', r);
    }),
  );

  for (const action of ['pause', 'resume', 'abort'] as const) {
    apiOptions(
      platform
        .command(`${action} <id>`)
        .description({ pause: 'hold the queue after the running experiment', resume: 'let the queue run again', abort: 'stop now: SAFE, the running experiment aborted' }[action])
        .option('--reason <text>', 'why (audited)')
        .option('--wait <ms>', 'how long to wait for the ack, ms (at most 30000)', wholeNumber('wait'), 5000),
    ).action(
      withClient(async (api, id: string, o: ApiFlags & { reason?: string; wait: number }) => {
        const r = await api.post<CommandSent>(`/platforms/${encodeURIComponent(id)}/${action}`, { reason: o.reason ?? defaultReason(action), waitMs: o.wait });
        if (o.json) return printJson(r);
        printSent(action, r);
      }),
    );
  }
}
