/**
 * The `sdfl` client commands (the HTTP API's command line), registered on the program `cli.ts`
 * builds. `platform` is the group `cli.ts` already owns; the others are added here.
 *
 * @module
 */
import type { Command } from 'commander';
import { registerApprovalCommands } from './commands/approvals';
import { registerCampaignCommands } from './commands/campaigns';
import { registerExportCommand } from './commands/export';
import { registerPlatformCommands } from './commands/platforms';
import { registerReportCommand } from './commands/report';
import { registerStudyCommands } from './commands/studies';

export { ApiClient, ApiClientError, DEFAULT_API_URL } from './http';
export { clientFrom } from './commands/shared';

/** Adds every client command: `platform` sub-commands to `platform`, the rest to `program`. */
export function registerClientCommands(program: Command, platform: Command): void {
  registerPlatformCommands(platform);
  registerCampaignCommands(program);
  registerApprovalCommands(program);
  registerExportCommand(program);
  registerReportCommand(program);
  registerStudyCommands(program);
}
