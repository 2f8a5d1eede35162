/**
 * The dashboard's campaign pages in a real Chromium against a running cloud and one real simulated
 * edge process. A scientist creates a gated campaign through the form (a temperature bound beyond
 * the platform's validated limits first: the API's message appears under that input), approves
 * one proposal, edits another (an out-of-bounds edit is refused with the API's message) and
 * approves it, and approves the rest as they come; experiments and results appear in the table
 * without a reload. Each chart then holds exactly one data mark per datum (done experiments, the
 * twin report's points); the downloaded report opens with JavaScript off and no network and has
 * the campaign's name and SVG charts; the CSV and JSON exports hold every experiment. A viewer sees
 * no create, approve or steering action, on a phone-width screen. The owner filters the list by
 * status, rejects a proposal with a reason, pauses, resumes and cancels a second campaign, and
 * finds the first among the priors a new campaign may build on.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { spawnSimEdge, type SimEdge } from '../../src/demo/edge-process';
import { addPlatform } from '../../src/engine/platforms';
import type { TwinReport } from '../../src/optimizer-host/lab-protocol';
import { launchChromium, requireChromium, screenshot, watchPage } from '../support/browser';
import { startTestCloud, until, userToken } from '../support/cloud';
import type { Experiment } from '../../web/src/types';

const CHROMIUM = requireChromium();
const PLATFORM = 'ui-c1';
const NAME = 'UI gated campaign';
/**
 * Space filling, then expected improvement. With nothing queued on the platform and one proposal
 * waiting ahead, proposal k is made after result k - 2: the last model sees 6 results (a twin
 * report needs 5).
 */
const SCHEDULE = 'lhs 3 -> ei 5';
const PLANNED = 8;
const INPUTS = 7;

/** A layer's data marks in the page (see apps/cloud/src/charts/common.ts). */
const marks = (layer: string) => `g.role-mark.${layer}_marks > [role="graphics-symbol"]`;

describe.skipIf(CHROMIUM === undefined)('dashboard: campaigns', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let edge: SimEdge | undefined;
  let scientistToken: string;
  let viewerToken: string;
  let campaignId: string;
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-ui-campaign-'));

  beforeAll(async () => {
    cloud = await startTestCloud();
    scientistToken = await userToken(cloud, 'sam', 'scientist');
    viewerToken = await userToken(cloud, 'vic', 'viewer');
    const creds = await addPlatform(cloud.db.db, PLATFORM, { actor: 'test' });
    edge = spawnSimEdge({ platformId: PLATFORM, password: creds.password, brokerUrl: cloud.mqttUrl, speed: 50, seed: 11, dataDir: join(dir, 'edge'), logFile: join(dir, 'edge.log') });
    browser = await launchChromium(CHROMIUM!);
    await until(async () => (await api<{ status: string }>(`/platforms/${PLATFORM}`, scientistToken)).status === 'online', 60_000, `${PLATFORM} online`);
    // A fresh edge boots latched SAFE: the operator clears it (as the demo does).
    const ack = await cloud.engine.ackOf(await cloud.engine.clearSafe(PLATFORM, 'test', 'simulated rig checked'));
    expect(ack?.accepted).toBe(true);
  }, 90_000);

  afterAll(async () => {
    await edge?.stop();
    await browser?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function api<T>(path: string, token: string): Promise<T> {
    const res = await fetch(`${cloud.api!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  const experiments = async () => (await api<{ experiments: Experiment[] }>(`/experiments?campaign=${campaignId}&limit=500`, scientistToken)).experiments;

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(cloud.api!.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
  }

  it('creates a gated campaign through the form, reviews its proposals, and shows results and every chart live', async () => {
    const started = Date.now();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, scientistToken);
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await expect.poll(() => page.getByLabel('Platform', { exact: true }).inputValue()).toBe(PLATFORM);

    await page.getByLabel('Name (optional)').fill(NAME);
    await page.getByLabel('Schedule').fill(SCHEDULE);
    await page.getByLabel('Surrogate').selectOption('gp');
    await page.getByLabel('Queue depth').fill('0');
    await page.getByRole('checkbox', { name: /^Approval gate/ }).check();
    await page.getByLabel('Proposals kept waiting for review').fill('1');
    // Beyond the simulated rig's validated temperatures: the server's message lands under that input.
    const { limits } = await api<{ limits: { temperature: { minC: number; maxC: number } } }>(`/platforms/${PLATFORM}`, scientistToken);
    await page.getByLabel('Temperature max').fill('250');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const temperatureError = page.locator('[data-bound="temperatureC"] .field-error');
    await expect.poll(() => temperatureError.textContent()).toBe(`100-250 C is outside ${PLATFORM}'s validated ${limits.temperature.minC}-${limits.temperature.maxC} C`);
    expect(await page.locator('[data-bound="reactionTimeS"] .field-error').count()).toBe(0);
    await screenshot(page, 'campaign-form-bound-error');
    await page.getByLabel('Temperature max').fill(String(limits.temperature.maxC));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    campaignId = (await page.locator('[data-campaign]').first().getAttribute('data-campaign'))!;
    expect(campaignId).toMatch(/^c-/);
    expect(new URL(page.url()).pathname).toBe(`/ui/campaigns/${campaignId}`);
    await expect.poll(() => page.locator('[data-field="gate"]').textContent()).toMatch(/^on/);

    // The first proposals arrive without a reload; approve one as proposed.
    const proposals = page.locator('[data-proposal]');
    await expect.poll(() => proposals.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    const first = (await proposals.first().getAttribute('data-proposal'))!;
    await proposals.first().getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => page.locator(`[data-proposal="${first}"]`).count()).toBe(0);
    await expect.poll(() => page.locator(`tr[data-experiment="${first}"]`).getAttribute('data-status')).not.toBe('proposed');

    // Edit the next one: out of the campaign's bounds first (refused with the API's message), then inside.
    const secondId = (await page.locator('[data-proposal]').first().getAttribute('data-proposal'))!;
    const second = page.locator(`[data-proposal="${secondId}"]`);
    await second.getByRole('button', { name: 'Edit, then approve' }).click();
    await second.getByLabel('temperatureC (°C)').fill('300');
    await second.getByRole('button', { name: 'Approve edited' }).click();
    // The API names the field (condition.temperatureC): its message sits under that input.
    const temperatureField = second.locator('.field', { has: page.getByLabel('temperatureC (°C)') });
    await expect.poll(() => temperatureField.locator('.field-error').textContent()).toMatch(/300\.0 C is outside/);
    await screenshot(page, 'campaign-edit-refused');
    await second.getByLabel('temperatureC (°C)').fill('150');
    await second.getByLabel('Note (optional)').fill('closer to the known optimum');
    await second.getByRole('button', { name: 'Approve edited' }).click();
    await expect.poll(() => page.locator(`[data-proposal="${secondId}"]`).count()).toBe(0);
    const editedRow = page.locator(`tr[data-experiment="${secondId}"]`);
    await expect.poll(() => editedRow.textContent()).toMatch(/edited by sam/);
    await expect.poll(() => editedRow.locator('td.condition').textContent()).toMatch(/^T 150\.0 °C/);

    // The rest as they come, until the campaign is done; rows and results arrive live.
    while ((await page.locator('h1 [data-status]').getAttribute('data-status')) !== 'done') {
      const approve = page.locator('[data-proposal]').first().getByRole('button', { name: 'Approve', exact: true });
      if (await approve.count()) await approve.click({ timeout: 2000 }).catch(() => undefined); // it may be gone by the click
      else await page.waitForTimeout(200);
      if (Date.now() - started > 100_000) throw new Error('the campaign did not finish in time');
    }
    const done = (await experiments()).filter((e) => e.status === 'done');
    expect(done).toHaveLength(PLANNED);
    await expect.poll(() => page.locator('tr[data-experiment][data-status="done"]').count()).toBe(PLANNED);
    for (const e of done) {
      await expect.poll(() => page.locator(`tr[data-experiment="${e.id}"] [data-field="value"]`).textContent()).not.toBe('—');
    }

    // Measured charts: one mark per done experiment (and per input for the slices).
    const all = await experiments();
    const plotted = all.filter((e) => !['proposed', 'rejected', 'withdrawn'].includes(e.status));
    await expect.poll(() => page.locator(marks('best_points')).count()).toBe(done.length);
    await expect.poll(() => page.locator(marks('parallel_lines')).count()).toBe(done.length);
    expect(await page.locator(marks('parallel_unmeasured')).count()).toBe(plotted.length - done.length);
    await expect.poll(() => page.locator(marks('slice_points')).count()).toBe(done.length * INPUTS);

    // The twin: the latest model's report, one mark per report point.
    const { models } = await api<{ models: { version: number }[] }>(`/campaigns/${campaignId}/models`, scientistToken);
    const latest = models.at(-1)!.version;
    await expect.poll(() => page.locator('[data-twin-version]').getAttribute('data-twin-version'), { timeout: 60_000 }).toBe(String(latest));
    const { report } = await api<{ report: TwinReport }>(`/campaigns/${campaignId}/models/${latest}/report`, scientistToken);
    const counts = {
      parity: report.holdout.parity.train.length + report.holdout.parity.test.length,
      uncertainty: report.uncertainty.length,
      shap: report.shapley.values.length * report.shapley.ranking.length,
      importance: report.shapley.ranking.length,
      cells: report.surface.xs.length * report.surface.ys.length,
      overlaid: plotted.length,
    };
    expect(counts.parity).toBe(report.n);
    await expect.poll(() => page.locator(marks('parity_points')).count()).toBe(counts.parity);
    expect(await page.locator(marks('uncertainty_points')).count()).toBe(counts.uncertainty);
    expect(await page.locator(marks('shap_points')).count()).toBe(counts.shap);
    expect(await page.locator(marks('shap_importance')).count()).toBe(counts.importance);
    expect(await page.locator(marks('surface_cells')).count()).toBe(counts.cells);
    expect(await page.locator(marks('surface_experiments')).count()).toBe(counts.overlaid);
    await expect.poll(() => page.locator('#campaign-twin').textContent()).toMatch(new RegExp(`model v${latest}, ${report.n} observations`));
    expect(await page.locator('[data-chart="parity"]').textContent()).toMatch(/test R² = /);
    console.info(`campaign ${campaignId}: ${done.length} done, twin v${latest} on ${report.n} points; marks`, counts, `after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await screenshot(page, 'campaign-done');

    // Exports: the CSV has a header and one row per experiment.
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvPath = join(dir, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8').trim().split('\n')).toHaveLength(1 + all.length);
    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const json = await jsonDownload;
    const jsonPath = join(dir, json.suggestedFilename());
    await json.saveAs(jsonPath);
    expect((JSON.parse(readFileSync(jsonPath, 'utf8')) as { experiments: unknown[] }).experiments).toHaveLength(all.length);

    // The report: a file that stands alone, without JavaScript or network.
    const reportDownload = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByRole('button', { name: 'Download report' }).click();
    const file = await reportDownload;
    expect(file.suggestedFilename()).toMatch(/\.html$/);
    const reportPath = join(dir, file.suggestedFilename());
    await file.saveAs(reportPath);
    const offline = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const reportPage = await offline.newPage();
    const reportSeen = watchPage(reportPage, 'file://');
    await reportPage.goto(`file://${reportPath}`);
    expect(await reportPage.textContent('body')).toContain(NAME);
    expect(await reportPage.locator('svg').count()).toBeGreaterThan(3);
    expect(await reportPage.locator(marks('best_points')).count()).toBe(done.length);
    await screenshot(reportPage, 'campaign-report-offline');
    expect(reportSeen).toEqual({ errors: [], foreign: [] });
    await offline.close();

    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 150_000);

  it('shows a viewer no create, review or steering action, on a 390-px phone screen', async () => {
    expect(campaignId, 'the first test created the campaign').toBeDefined();
    // A second gated campaign of sam's, with proposals waiting: the viewer sees them, not the actions.
    await cloud.engine.createCampaign({ name: 'UI viewer check', owner: 'sam', platform: PLATFORM, schedule: 'lhs 2', approvalGate: true }, 'sam');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, viewerToken);
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    const row = page.locator(`tr[data-campaign="${campaignId}"]`);
    await expect.poll(() => row.locator('[data-field="progress"]').textContent()).toMatch(new RegExp(`${PLANNED}/${PLANNED}`));
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await page.getByRole('link', { name: 'UI viewer check' }).click();
    await page.getByRole('heading', { name: 'UI viewer check' }).waitFor();
    await expect.poll(() => page.locator('[data-proposal]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /Approve|Reject|Edit|Pause|Resume|Cancel campaign/ }).count()).toBe(0);
    expect(await page.locator('#steer-reason').count()).toBe(0);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'campaign-phone-viewer-gated');
    await page.goto(`${cloud.api!.url}/ui/campaigns/${campaignId}`);
    await expect.poll(() => page.locator(marks('best_points')).count()).toBe(PLANNED);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'campaign-phone-viewer');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 60_000);

  it('lets the owner filter the list, reject a proposal with a reason, pause, resume and cancel, and offers the done campaign as a prior', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, scientistToken);
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    const listed = page.locator('tr[data-campaign]');
    await expect.poll(() => listed.count()).toBe(2);
    await page.getByLabel('Status').selectOption('done');
    await expect.poll(() => listed.getAttribute('data-campaign')).toBe(campaignId);
    await page.getByLabel('Status').selectOption('running');
    await expect.poll(() => listed.locator('a').first().textContent()).toBe('UI viewer check');
    await listed.getByRole('link', { name: 'UI viewer check' }).click();
    await page.getByRole('heading', { name: 'UI viewer check' }).waitFor();

    // Reject: the reason is required, and the rejected proposal is kept in the table as such.
    const proposal = page.locator('[data-proposal]').first();
    const rejected = (await proposal.getAttribute('data-proposal'))!;
    await proposal.getByRole('button', { name: 'Reject…' }).click();
    expect(await proposal.getByRole('button', { name: 'Reject', exact: true }).isDisabled()).toBe(true);
    await proposal.getByLabel('Why reject it (required)').fill('too close to an earlier run');
    await proposal.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => page.locator(`[data-proposal="${rejected}"]`).count()).toBe(0);
    await expect.poll(() => page.locator(`tr[data-experiment="${rejected}"]`).getAttribute('data-status')).toBe('rejected');

    const status = page.locator('h1 [data-status]');
    for (const [button, after] of [
      ['Pause', 'paused'],
      ['Resume', 'running'],
      ['Cancel campaign', 'cancelled'],
    ] as const) {
      await page.getByLabel('Reason (kept in the audit log)').fill(`test: ${button}`);
      await page.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => status.getAttribute('data-status')).toBe(after);
    }
    expect(await page.locator('#steer-reason').count()).toBe(0);
    await expect.poll(() => page.locator('[data-proposal]').count()).toBe(0);

    await page.goto(`${cloud.api!.url}/ui/campaigns/new`);
    await expect.poll(() => page.getByRole('checkbox', { name: new RegExp(NAME) }).count()).toBe(1);
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 60_000);
});
