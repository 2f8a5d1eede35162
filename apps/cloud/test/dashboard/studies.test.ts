/**
 * The dashboard's ask/tell studies in a real Chromium against a running cloud (no edge: a study
 * needs no MQTT). A scientist creates a study through the form — first with a bad range, whose
 * API message appears under that field — asks for 3 suggestions, tells a value for each, and sees
 * the observations table and the best-so-far chart hold exactly the told trials; a further ask
 * (the model stage) is told as failed and is not plotted. A viewer sees no create, ask or tell.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { launchChromium, requireChromium, screenshot, watchPage } from '../support/browser';
import { startTestCloud, userToken } from '../support/cloud';

const CHROMIUM = requireChromium();

interface Trial {
  id: string;
  seq: number;
  params: Record<string, number>;
  status: string;
  value: number | null;
  predicted: { mean: number; std: number } | null;
}

/** What the lab "measures" for a suggestion: a known function, so the best is checkable. */
const measure = (p: Record<string, number>) => Math.round((10 - (p.x! - 3) ** 2 + p.n!) * 1000) / 1000;

const BEST_POINTS = 'g.role-mark.best_points_marks > [role="graphics-symbol"]';

describe.skipIf(CHROMIUM === undefined)('dashboard: ask/tell studies', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let scientistToken: string;
  let viewerToken: string;
  let studyId: string;

  beforeAll(async () => {
    cloud = await startTestCloud();
    scientistToken = await userToken(cloud, 'sam', 'scientist');
    viewerToken = await userToken(cloud, 'vic', 'viewer');
    browser = await launchChromium(CHROMIUM!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  const api = async <T>(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${cloud.api!.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  async function signIn(page: Page, path: string, token: string): Promise<void> {
    await page.goto(`${cloud.api!.url}/ui${path}`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('creates a study through the form (the API message under a bad range), asks 3, tells them, charts exactly the told trials', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, '/', scientistToken);
    await page.getByRole('link', { name: 'Studies' }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    await page.getByText('Create a study').click();
    await page.getByLabel('Study name').fill('ui yield');
    const p1 = page.getByRole('group', { name: 'Parameter 1' });
    await p1.getByLabel('name').fill('x');
    await p1.getByLabel('min').fill('5');
    await p1.getByLabel('max').fill('1');
    await page.getByLabel('Objective name').fill('yield');
    await page.getByLabel('Schedule').fill('lhs 3 -> ei 1');
    await page.getByRole('button', { name: 'Create study' }).click();
    // The same body straight to the API gives the message the page must show under max.
    const refused = await api<{ error: { fields: Record<string, string[]> } }>('/studies', scientistToken, {
      method: 'POST',
      body: { name: 'ui yield', parameters: [{ name: 'x', type: 'continuous', min: 5, max: 1 }], objective: { name: 'yield', direction: 'maximize' }, schedule: 'lhs 3 -> ei 1' },
    });
    expect(refused.status).toBe(400);
    const message = refused.body.error.fields['parameters.0.max']![0]!;
    expect(message).toBe('must be greater than min');
    await expect.poll(() => p1.locator('.field.invalid .field-error').textContent()).toBe(message);
    expect(await p1.locator('.field.invalid label').textContent()).toBe('max');
    expect(await api<{ studies: unknown[] }>('/studies', scientistToken).then((r) => r.body.studies.length)).toBe(0);

    await p1.getByLabel('min').fill('0');
    await p1.getByLabel('max').fill('6');
    await page.getByRole('button', { name: 'Add a parameter' }).click();
    const p2 = page.getByRole('group', { name: 'Parameter 2' });
    await p2.getByLabel('name').fill('n');
    await p2.getByLabel('min').fill('1');
    await p2.getByLabel('max').fill('8');
    await p2.getByLabel('integer').check();
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('heading', { name: 'Study ui yield' }).waitFor();
    studyId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const created = await api<{ parameters: { name: string; type: string; min: number; max: number }[]; owner: string }>(`/studies/${studyId}`, scientistToken);
    expect(created.body.parameters).toEqual([
      { name: 'x', type: 'continuous', min: 0, max: 6 },
      { name: 'n', type: 'integer', min: 1, max: 8 },
    ]);
    expect(created.body.owner).toBe('sam');

    // Ask 3: three open trials, each with a tell form.
    await page.getByLabel('Suggestions').fill('3');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    // The first ask starts the study in the optimizer's worker: allow it a few seconds.
    await expect.poll(() => page.locator('article.tell').count(), { timeout: 15_000 }).toBe(3);
    const asked = (await api<{ trials: Trial[] }>(`/studies/${studyId}/observations`, scientistToken)).body.trials;
    expect(asked.map((t) => t.status)).toEqual(['pending', 'pending', 'pending']);
    expect(await page.locator(BEST_POINTS).count()).toBe(0);

    const told = new Map<string, number>();
    for (const t of asked) {
      const value = measure(t.params);
      told.set(t.id, value);
      const card = page.locator(`article.tell[data-trial="${t.id}"]`);
      expect(Number(await card.locator('[data-param="x"]').textContent())).toBeCloseTo(t.params.x!, 4);
      await card.getByLabel(`yield of trial #${t.seq}`).fill(String(value));
      await card.getByRole('button', { name: 'Tell' }).click();
      await expect.poll(() => card.count()).toBe(0);
    }

    // Observations: the API's trials, every one told with the value the form sent.
    const after = (await api<{ trials: Trial[] }>(`/studies/${studyId}/observations`, scientistToken)).body.trials;
    expect(after.map((t) => [t.id, t.status, t.value])).toEqual(asked.map((t) => [t.id, 'told', told.get(t.id)]));
    const rows = page.locator('table.observations tbody tr');
    const attrs = async (l: Locator, name: string) => Promise.all((await l.all()).map((x) => x.getAttribute(name)));
    await expect.poll(async () => (await attrs(rows.locator('[data-value]'), 'data-value')).map(Number)).toEqual(after.map((t) => t.value));
    expect(await attrs(rows, 'data-status')).toEqual(['told', 'told', 'told']);
    // The chart: one point per told trial, and the best the API reports.
    await expect.poll(() => page.locator(BEST_POINTS).count()).toBe(3);
    const best = Math.max(...told.values());
    const study = await api<{ best: { value: number } }>(`/studies/${studyId}`, scientistToken);
    expect(study.body.best.value).toBe(best);
    expect(await page.locator('[data-field="best"]').textContent()).toContain(String(Number(best.toPrecision(5))));
    await screenshot(page, 'study-told');

    // The model stage: its suggestion carries the model's prediction; told as failed, it is not plotted.
    await page.getByLabel('Suggestions').fill('1');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.locator('article.tell').count(), { timeout: 30_000 }).toBe(1);
    const modelTrial = (await api<{ trials: Trial[] }>(`/studies/${studyId}/observations`, scientistToken)).body.trials.at(-1)!;
    if (modelTrial.predicted) await expect.poll(() => page.locator('article.tell').textContent()).toContain('not a measurement');
    await page.locator('article.tell').getByLabel('Reason (optional)').fill('vial dropped');
    await page.locator('article.tell').getByRole('button', { name: 'Failed' }).click();
    await expect.poll(() => page.locator('article.tell').count()).toBe(0);
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.last().getAttribute('data-status')).toBe('failed');
    expect(await page.locator(BEST_POINTS).count()).toBe(3);
    // The schedule is used up: Ask is disabled and says why.
    await expect.poll(() => page.getByRole('button', { name: 'Ask', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'study-1280');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 80_000);

  it('shows a viewer the study but no create, ask or tell, and fits a 390-px phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const seen = watchPage(page, cloud.api!.url);
    await signIn(page, '/studies', viewerToken);
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    await page.getByRole('link', { name: 'ui yield' }).waitFor();
    expect(await page.getByText('Create a study').count()).toBe(0);
    await page.getByRole('link', { name: 'ui yield' }).click();
    await page.getByRole('heading', { name: 'Study ui yield' }).waitFor();
    await expect.poll(() => page.locator(BEST_POINTS).count()).toBe(3);
    expect(await page.locator('table.observations tbody tr').count()).toBe(4);
    expect(await page.getByRole('button', { name: /Ask|Tell|Failed|Abandoned/ }).count()).toBe(0);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'study-390-viewer');
    // The API refuses a viewer's ask whatever the page shows.
    expect((await api(`/studies/${studyId}/ask`, viewerToken, { method: 'POST', body: {} })).status).toBe(403);
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  });
});
