/**
 * A real Chromium for the dashboard tests: Debian's `chromium` driven by playwright-core (headless,
 * no sandbox, background networking off, so nothing is fetched). Screenshots go to
 * apps/cloud/.artifacts/screenshots (gitignored; CI keeps them as artifacts).
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pathCandidates, requireBinary } from './require-binary';

export const SCREENSHOTS = fileURLToPath(new URL('../../.artifacts/screenshots/', import.meta.url));

/** Chromium's path; throws under CI=true when missing, else warns (for `describe.skipIf`). */
export function requireChromium(): string | undefined {
  return requireBinary('chromium', ['/usr/bin/chromium', ...pathCandidates('chromium'), ...pathCandidates('chromium-browser')], 'apt-get install -y chromium');
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** Saves a full-page screenshot as `{name}.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/**
 * Collects what the page printed as errors and every request that left for another host: a test
 * ends by asserting both are empty (no swallowed exception, nothing fetched from outside).
 */
export function watchPage(page: Page, origin: string): { errors: string[]; foreign: string[] } {
  const seen = { errors: [] as string[], foreign: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(e.message));
  // A refused request logs "Failed to load resource": the tests provoke those on purpose.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && seen.errors.push(m.text()));
  // A server error is never expected, whatever the test provokes.
  page.on('response', (r) => r.status() >= 500 && seen.errors.push(`HTTP ${r.status()} from ${r.url()}`));
  page.on('request', (r) => !r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && seen.foreign.push(r.url()));
  return seen;
}
