/**
 * The dashboard's live stream in a real Chromium: events appear without reload, and across
 * dropped connections (the server here closes each stream after 1.2 s, as it does after 30 min
 * in production) the page resumes with Last-Event-ID and shows every event once, in order.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { events } from '../../src/db/schema';
import { launchChromium, requireChromium, screenshot, watchPage } from '../support/browser';
import { startTestCloud, userToken } from '../support/cloud';

const CHROMIUM = requireChromium();

describe.skipIf(CHROMIUM === undefined)('dashboard: live updates', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    cloud = await startTestCloud({}, { eventStream: { maxStreamMs: 1200, pollMs: 50 } });
    token = await userToken(cloud, 'sam', 'scientist');
    browser = await launchChromium(CHROMIUM!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  const note = async (n: number) =>
    (await cloud.db.db.insert(events).values({ source: 'test', type: 'note', severity: 'info', body: { n }, at: new Date() }).returning({ id: events.id }))[0]!.id;

  it('shows new events live and resumes after dropped connections without losing or repeating one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, cloud.api!.url);
    await page.goto(`${cloud.api!.url}/ui/#token=${encodeURIComponent(token)}`);
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    expect(page.url()).not.toContain('token'); // the sign-in link's token left the address bar
    const state = () => page.locator('[data-live]').getAttribute('data-live');
    await expect.poll(state).toBe('live');

    // 30 events over ~4.5 s while the stream is cut every 1.2 s; some land while disconnected.
    const ids: number[] = [];
    const states = new Set<string | null>();
    for (let n = 0; n < 30; n++) {
      ids.push(await note(n));
      states.add(await state());
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(states).toContain('reconnecting');
    await expect.poll(() => page.locator(`[data-event-id="${ids.at(-1)}"]`).count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: /Show all/ }).click();
    const items = await page.locator('.activity [data-event-id]').all();
    const shown = (await Promise.all(items.map(async (l) => Number(await l.getAttribute('data-event-id'))))).reverse();
    expect(shown).toEqual(ids);
    await screenshot(page, 'live-resumed');
    expect(seen).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 90_000);
});
