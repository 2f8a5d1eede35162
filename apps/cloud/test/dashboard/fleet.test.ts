/**
 * The dashboard's fleet in a real Chromium against a running cloud and a real simulated edge
 * process: sign in (a bad token is refused with the server's reason), register a platform through
 * the form, start its edge with the credentials the page showed, watch it come online live, clear
 * its boot SAFE state, see the plate temperature trace and a running experiment's countdown to
 * steady state, stop the edge and see it go offline. A
 * viewer sees no action; a phone-width screen still shows every platform.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { spawnSimEdge, type SimEdge } from '../../src/demo/edge-process';
import { launchChromium, requireChromium, screenshot, watchPage } from '../support/browser';
import { startTestCloud, userToken } from '../support/cloud';

const CHROMIUM = requireChromium();

describe.skipIf(CHROMIUM === undefined)('dashboard: the fleet', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let edge: SimEdge | undefined;
  let adminToken: string;
  let viewerToken: string;
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-ui-fleet-'));

  beforeAll(async () => {
    cloud = await startTestCloud();
    adminToken = await userToken(cloud, 'ada', 'admin');
    viewerToken = await userToken(cloud, 'vic', 'viewer');
    browser = await launchChromium(CHROMIUM!);
  }, 60_000);

  afterAll(async () => {
    await edge?.stop();
    await browser?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(cloud.api!.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
  }

  it('refuses a bad token with the server reason, then signs in', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await page.goto(cloud.api!.url);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/UNAUTHORIZED \(HTTP 401\): token unknown/);
    await page.getByLabel('API token').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live')).toBe('live');
    // The token survives a reload (localStorage) and sign-out forgets it.
    await page.reload();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  });

  it('registers a platform, shows its edge online live, clears SAFE, traces the plate, counts down to steady state, shows it offline when stopped', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, adminToken);
    await page.getByText('Register a platform').click();
    // The API's per-field message appears next to the field.
    await page.getByLabel('Platform id').fill('bad id!');
    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => page.locator('.field.invalid .field-error').first().textContent()).toMatch(/.+/);
    await page.getByLabel('Platform id').fill('ui-1');
    await page.getByRole('button', { name: 'Register' }).click();
    const password = (await page.locator('[data-credential="password"]').first().textContent())!;
    expect(password.length).toBeGreaterThan(16);
    const card = page.locator('[data-platform="ui-1"]');
    await expect.poll(() => card.locator('[data-status]').getAttribute('data-status')).toBe('unknown');

    // x10: the ~85 s (simulated) steady-state wait lasts long enough to be seen between 2-s polls.
    edge = spawnSimEdge({ platformId: 'ui-1', password, brokerUrl: cloud.mqttUrl, speed: 10, seed: 7, dataDir: join(dir, 'edge'), logFile: join(dir, 'edge.log') });
    await expect.poll(() => card.locator('[data-status]').getAttribute('data-status'), { timeout: 60_000 }).toBe('online');
    // A fresh edge boots latched SAFE; the card says why and offers the clear to an admin.
    await expect.poll(() => card.locator('.safe').textContent(), { timeout: 20_000 }).toMatch(/SAFE/);
    await card.getByLabel(/Why it is safe to clear/).fill('checked the simulated rig');
    await card.getByRole('button', { name: 'Clear SAFE' }).click();
    await expect.poll(() => card.locator('.safe').count(), { timeout: 20_000 }).toBe(0);
    // Telemetry every 2 s draws the trace: one pv mark per sample seen.
    await expect.poll(() => card.locator('g.role-mark.temperature_pv_marks > [role="graphics-symbol"]').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => card.locator('[data-field="temperature"]').textContent()).toMatch(/°C \(set/);
    await expect.poll(() => card.locator('.reagent').count()).toBeGreaterThan(0);
    await screenshot(page, 'fleet-online');

    // A running experiment: its link, and while it equilibrates the edge's countdown to steady state.
    const c = await cloud.engine.createCampaign({ platform: 'ui-1', schedule: 'lhs 1', seed: 5 }, 'ada');
    await expect.poll(() => card.locator('[data-field="current"] a').textContent(), { timeout: 30_000 }).toBe(`${c.id}-exp-1`);
    await expect.poll(() => card.locator('[data-field="steady-in"]').textContent(), { timeout: 60_000 }).toMatch(/steady state in \d+:\d\d/);
    await screenshot(page, 'fleet-equilibrating');
    expect(await page.locator('[data-live]').getAttribute('data-live')).toBe('live');

    const stoppedAt = Date.now();
    await edge.stop();
    edge = undefined;
    await expect.poll(() => card.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('offline');
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    await screenshot(page, 'fleet-offline');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 150_000);

  it('shows a viewer no action, and fits a 390-px phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, viewerToken);
    await page.locator('[data-platform="ui-1"]').waitFor();
    expect(await page.getByText('Register a platform').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear SAFE' }).count()).toBe(0);
    // Nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.getByRole('link', { name: 'ui-1' }).click();
    await page.getByRole('heading', { name: 'Platform ui-1' }).waitFor();
    expect(await page.getByRole('button', { name: /Pause|Revoke/ }).count()).toBe(0);
    await screenshot(page, 'fleet-phone-viewer');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  });
});
