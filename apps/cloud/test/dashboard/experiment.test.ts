/**
 * The dashboard's experiment page in a real Chromium against a running cloud and one real
 * simulated edge process running a short campaign (`lhs 2`) made through the engine. The page of an
 * experiment opened before it finished turns done live (its events), then shows both spectra drawn
 * from every pixel the API returned with the features marked, the features table with the API's
 * numbers, the pump flow plan, the timings and the steady-state evidence, the decision and the
 * command. An unknown experiment shows the API's NOT_FOUND message. Screenshots at 1280x800 and
 * 390x844.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { spawnSimEdge, type SimEdge } from '../../src/demo/edge-process';
import { addPlatform } from '../../src/engine/platforms';
import { launchChromium, requireChromium, screenshot, watchPage } from '../support/browser';
import { campaignStatus, startTestCloud, until, userToken } from '../support/cloud';

const CHROMIUM = requireChromium();

interface Spectrum {
  wavelengthNm: number[];
  values: number[];
}
interface Detail {
  experiment: { id: string; status: string; campaignId: string };
  command: { id: string; sendCount: number } | null;
  results: {
    attempt: number;
    status: string;
    features: Record<string, number | null | string[]>;
    spectra: { absorbance: Spectrum; pl: Spectrum };
    flowPlan: { ratesUlMin: Record<string, number>; residenceTimeS: number };
    steadyState: { waitedS: number; plannedEquilibrationS: number; plateTemperature?: { samples: number } };
  }[];
}

/** Items of a chart layer (see apps/cloud/src/charts/common.ts). */
const marks = (chart: Locator, layer: string) => chart.locator(`g.role-mark.${layer}_marks > [role="graphics-symbol"]`);

/** Vertices of the one path a line layer draws: one M or L command per plotted pixel. */
const vertices = async (chart: Locator, layer: string): Promise<number> => {
  const d = (await marks(chart, layer).first().getAttribute('d')) ?? '';
  return (d.match(/[ML]/g) ?? []).length;
};

describe.skipIf(CHROMIUM === undefined)('dashboard: the experiment page', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let edge: SimEdge | undefined;
  let token: string;
  let campaignId: string;
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-ui-experiment-'));

  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${cloud.api!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    cloud = await startTestCloud();
    token = await userToken(cloud, 'ada', 'admin');
    const creds = await addPlatform(cloud.db.db, 'exp-1', { actor: 'test' });
    edge = spawnSimEdge({ platformId: 'exp-1', password: creds.password, brokerUrl: cloud.mqttUrl, speed: 50, seed: 3, dataDir: join(dir, 'edge'), logFile: join(dir, 'edge.log') });
    browser = await launchChromium(CHROMIUM!);
    // Online with its birth (limits) before the campaign; a fresh edge boots SAFE until cleared.
    await until(async () => {
      const p = (await api<{ status: string; limits: unknown }>('/platforms/exp-1')).body;
      return p.status === 'online' && p.limits !== null;
    }, 60_000, 'exp-1 online with limits');
    const ack = await cloud.engine.ackOf(await cloud.engine.clearSafe('exp-1', 'test', 'simulated rig'));
    expect(ack?.accepted).toBe(true);
    campaignId = (await cloud.engine.createCampaign({ platform: 'exp-1', schedule: 'lhs 2', seed: 5, name: 'ui experiment' }, 'ada')).id;
  }, 90_000);

  afterAll(async () => {
    await edge?.stop();
    await browser?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(`${cloud.api!.url}/ui${path}`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('turns done live, then shows the spectra, features, flow plan and steady-state evidence the API returned', async () => {
    const id = `${campaignId}-exp-2`;
    await until(async () => (await api(`/experiments/${id}`)).status === 200, 30_000, `${id} to exist`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, `/experiments/${id}`);
    await page.getByRole('heading', { name: `Experiment ${id}` }).waitFor();
    const status = page.locator('.experiment-head [data-status]');
    expect(await status.getAttribute('data-status')).not.toBe('done');
    // No reload from here on: the experiment's events refresh the page.
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    await campaignStatus(cloud, campaignId, 'done', 30_000);
    const { body: d } = await api<Detail>(`/experiments/${id}`);
    expect(d.results).toHaveLength(1);
    const r = d.results[0]!;
    expect(r.status).toBe('done');

    // Both spectra: one line through every pixel the API returned, and the features marked.
    const abs = page.locator('[data-chart="absorption attempt 1"]');
    const pl = page.locator('[data-chart="pl attempt 1"]');
    await expect.poll(() => marks(abs, 'abs_spectrum').count()).toBe(1);
    await expect.poll(() => marks(pl, 'pl_spectrum').count()).toBe(1);
    expect(r.spectra.absorbance.wavelengthNm.length).toBeGreaterThan(1000);
    expect(await vertices(abs, 'abs_spectrum')).toBe(r.spectra.absorbance.wavelengthNm.length);
    expect(await vertices(pl, 'pl_spectrum')).toBe(r.spectra.pl.wavelengthNm.length);
    expect(await marks(abs, 'abs_excitation').count()).toBe(1);
    expect(await marks(abs, 'abs300').count()).toBe(r.features.abs300 === null ? 0 : 1);
    expect(await marks(pl, 'pl_windows').count()).toBe(2);
    expect(await marks(pl, 'pl_baseline').count()).toBe(1);
    expect(await marks(pl, 'pl_peak').count()).toBe(r.features.plPeakNm === null ? 0 : 1);
    expect(await marks(pl, 'pl_fwhm').count()).toBe(r.features.fwhmNm === null ? 0 : 1);

    // The features table holds the API's numbers.
    for (const key of ['abs300', 'plPeakNm', 'plIntensity', 'plArea', 'fwhmNm', 'sidePeak380', 'sidePeak600']) {
      const cell = page.locator(`[data-attempt="1"] td[data-feature="${key}"]`);
      const v = r.features[key] as number | null;
      expect(await cell.getAttribute('data-value'), key).toBe(v === null ? '' : String(v));
    }
    const flags = r.features.flags as string[];
    expect(await page.locator('[data-attempt="1"] td[data-feature="flags"]').textContent()).toBe(flags.length > 0 ? flags.join(', ') : 'none');

    // The flow plan the edge ran, pump by pump.
    const plan = page.locator('[data-attempt="1"] table.flow-plan tbody tr');
    const shown = await Promise.all((await plan.all()).map(async (tr) => [await tr.getAttribute('data-pump'), Number(await tr.locator('td[data-value]').getAttribute('data-value'))]));
    expect(Object.fromEntries(shown)).toEqual(r.flowPlan.ratesUlMin);

    // The steady-state evidence the edge measured.
    const steady = page.locator('[data-attempt="1"] [data-steady-state]');
    expect(await steady.locator('[data-field="waited"]').textContent()).toBe(`${Number(r.steadyState.waitedS.toPrecision(4))} s`);
    expect(await steady.locator('[data-field="planned"]').textContent()).toBe(`${Number(r.steadyState.plannedEquilibrationS.toPrecision(4))} s`);
    expect(await steady.locator('[data-field="samples"]').textContent()).toBe(String(r.steadyState.plateTemperature!.samples));

    // Provenance: an LHS point (no model), carried by the command the API names, back to its campaign.
    expect(await page.locator('[data-decision] [data-field="policy"]').textContent()).toContain('no model was involved');
    expect(await page.locator('[data-field="command-id"]').textContent()).toBe(d.command!.id);
    expect(await page.locator('[data-field="ack"]').textContent()).toMatch(/^accepted at/);
    expect(await page.locator('.timeline li.reached').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByRole('link', { name: 'ui experiment' }).getAttribute('href')).toBe(`/ui/campaigns/${campaignId}`);
    await screenshot(page, 'experiment-1280');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 90_000);

  it('fits a 390-px phone, and shows the API NOT_FOUND message for an unknown experiment', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, `/experiments/${campaignId}-exp-1`);
    await expect.poll(() => marks(page.locator('[data-chart="pl attempt 1"]'), 'pl_spectrum').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'experiment-390');

    const unknown = `${campaignId}-exp-99`;
    const refused = await api<{ error: { code: string; message: string } }>(`/experiments/${unknown}`);
    expect(refused.status).toBe(404);
    // In-app navigation (as a link does): the page must not keep showing the last experiment.
    await page.evaluate(`history.pushState(null, '', ${JSON.stringify(`/ui/experiments/${unknown}`)}); dispatchEvent(new Event('sdfl:navigate'))`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain(`NOT_FOUND (HTTP 404): ${refused.body.error.message}`);
    expect(await page.locator('.attempt').count()).toBe(0);
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  });
});
