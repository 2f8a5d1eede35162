/** Every page and its path below `/ui` (the first match wins); the nav shows those with a title. */
import type { FunctionComponent } from 'preact';
import { FleetPage } from './pages/fleet';
import { PlatformPage } from './pages/platform';
import { CampaignsPage } from './pages/campaigns';
import { CampaignNewPage } from './pages/campaign-new';
import { CampaignPage } from './pages/campaign';
import { ExperimentPage } from './pages/experiment';
import { StudiesPage } from './pages/studies';
import { StudyPage } from './pages/study';

export interface PageRoute {
  readonly pattern: string;
  readonly page: FunctionComponent<{ params: Record<string, string> }>;
  /** Shown in the navigation when set. */
  readonly nav?: string;
}

export const ROUTES: readonly PageRoute[] = [
  { pattern: '/', page: FleetPage, nav: 'Fleet' },
  { pattern: '/platforms/:id', page: PlatformPage },
  { pattern: '/campaigns', page: CampaignsPage, nav: 'Campaigns' },
  { pattern: '/campaigns/new', page: CampaignNewPage },
  { pattern: '/campaigns/:id', page: CampaignPage },
  { pattern: '/experiments/:id', page: ExperimentPage },
  { pattern: '/studies', page: StudiesPage, nav: 'Studies' },
  { pattern: '/studies/:id', page: StudyPage },
];
