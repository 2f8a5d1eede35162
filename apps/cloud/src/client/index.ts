/**
 * The `sdfl` client commands (the HTTP API's command line), registered on the program `cli.ts`
 * builds. `platform` is the group `cli.ts` already owns; the others are added here.
 *
 * @module
 */
import type { Command } from 'commander';
import { registerApprovalCommands } from './commands/approvals.js';
import { registerCampaignCommands } from './commands/campaigns.js';
import { registerExportCommand } from './commands/export.js';
import { registerPlatformCommands } from './commands/platforms.js';
import { registerStudyCommands } from './commands/studies.js';

export { ApiClient, ApiClientError, clientFrom, DEFAULT_API_URL } from './http.js';

/** Adds every client command: `platform` sub-commands to `platform`, the rest to `program`. */
export function registerClientCommands(program: Command, platform: Command): void {
  registerPlatformCommands(platform);
  registerCampaignCommands(program);
  registerApprovalCommands(program);
  registerExportCommand(program);
  registerStudyCommands(program);
}
