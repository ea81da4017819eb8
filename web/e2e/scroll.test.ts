/**
 * Scrolling a 10,000-photo timeline: seeds assets straight into the e2e database, scrolls the
 * grid from top to bottom with the mouse wheel in Chromium, and checks that the DOM stays
 * small (virtualization) and the end is reached. Long tasks (main thread blocked > 50 ms) are
 * measured with a PerformanceObserver and reported, not asserted, as timings vary by machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rgbaToThumbHash } from 'thumbhash';
import { admin, baseUrl, eventually, launch, openPage, screenshot, sql, writeReport } from './harness';

const ASSETS = 10_000;
const scroller = { email: 'scroll@example.com', name: 'Scroll Tester', password: 'scrolling through the years' };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

/** A few real thumbhashes (gradients) so placeholders look like photos. */
function thumbhashes(): string[] {
  const colors = [
    [200, 120, 60],
    [40, 110, 180],
    [60, 150, 80],
    [180, 60, 120],
  ];
  return colors.map(([r, g, b]) => {
    const size = 32;
    const rgba = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = (y * size + x) * 4;
        rgba.set([(r * x) / size + 30, (g * y) / size + 30, b, 255], i);
      }
    }
    return Buffer.from(rgbaToThumbHash(size, size, rgba)).toString('hex');
  });
}

/** Inserts ASSETS photos for the user, one every 7 hours back from 2025, in three shapes. */
function seed(ownerId: string) {
  const hashes = thumbhashes()
    .map((h) => `'\\x${h}'::bytea`)
    .join(', ');
  sql(`
    INSERT INTO assets (id, owner_id, checksum, type, original_path, original_file_name, original_mime_type,
                        file_size_bytes, file_created_at, file_modified_at, local_date_time, width, height, thumbhash)
    SELECT gen_random_uuid(), '${ownerId}', decode(md5('seed' || i) || lpad(to_hex(i), 8, '0'), 'hex'), 'IMAGE',
           'seed/' || i, 'seed-' || i || '.jpg', 'image/jpeg', 1000,
           t, t, t,
           (ARRAY[4000, 3000, 4000])[1 + i % 3], (ARRAY[3000, 4000, 2250])[1 + i % 3],
           (ARRAY[${hashes}])[1 + i % 4]
    FROM generate_series(1, ${ASSETS}) AS i,
         LATERAL (SELECT timestamptz '2025-06-01 12:00:00+00' - i * interval '7 hours' AS t) AS times;
  `);
}

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The admin exists once gallery.test.ts ran; create it here when this file runs alone.
  const signUp = await context.request.post(`${baseUrl}/api/auth/admin-sign-up`, { data: admin });
  expect([201, 400]).toContain(signUp.status());
  const login = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email: admin.email, password: admin.password } });
  expect(login.ok()).toBe(true);
  const created = await context.request.post(`${baseUrl}/api/admin/users`, { data: scroller });
  expect(created.ok(), await created.text()).toBe(true);
  const { id } = (await created.json()) as { id: string };
  seed(id);
  await context.clearCookies();
  const asScroller = await context.request.post(`${baseUrl}/api/auth/login`, {
    data: { email: scroller.email, password: scroller.password },
  });
  expect(asScroller.ok()).toBe(true);
  ({ page, errors } = await openPage(context));
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
});

afterAll(async () => {
  await browser?.close();
  // The seeded photos have no files: remove them, so the tests that read every original on the
  // server (backups and the scrub in ownership.test.ts) find only real ones, whatever the order.
  sql(`DELETE FROM assets WHERE owner_id = (SELECT id FROM users WHERE email = '${scroller.email}')`);
});

describe('a timeline of 10,000 photos', () => {
  it('scrolls to the end with a bounded DOM, and reports long tasks', async () => {
    const started = Date.now();
    await page.goto(`${baseUrl}/photos`);
    const grid = page.getByTestId('timeline-scroll');
    await eventually('all months counted', async () => (await page.locator('.timeline-content').getAttribute('data-count')) === String(ASSETS));
    const firstPaint = Date.now() - started;
    await eventually('first tiles', async () => (await page.locator('.tile').count()) > 0);
    const loadLongTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.length);

    const oldest = sql(
      `SELECT a.id FROM assets a JOIN users u ON u.id = a.owner_id WHERE u.email = '${scroller.email}' ORDER BY local_date_time, a.id LIMIT 1`,
    );
    let maxTiles = 0;
    let maxNodes = 0;
    let steps = 0;
    const scrollStart = Date.now();
    await grid.hover();
    for (;;) {
      await page.mouse.wheel(0, 2400);
      await page.waitForTimeout(40);
      steps++;
      const state = await grid.evaluate((el) => ({
        tiles: el.querySelectorAll('.tile').length,
        nodes: el.querySelectorAll('*').length,
        atEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 4,
      }));
      maxTiles = Math.max(maxTiles, state.tiles);
      maxNodes = Math.max(maxNodes, state.nodes);
      if (state.atEnd && (await page.locator(`.tile[data-asset-id="${oldest}"]`).count()) === 1) break;
      if (steps > 2000) throw new Error('the end of the timeline was never reached');
    }
    const scrollMs = Date.now() - scrollStart;
    await screenshot(page, 'timeline-10k-end');

    // Jump back near the top with the scrubber, then to the very top with its Home key.
    const scrubber = page.getByRole('slider', { name: 'Timeline scrubber' });
    const box = (await scrubber.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + 1);
    await eventually('a jump to the top 1%', () => grid.evaluate((el) => el.scrollTop < el.scrollHeight * 0.01));
    await scrubber.focus();
    await page.keyboard.press('Home');
    await page.getByRole('heading', { name: 'June 2025' }).waitFor();
    await screenshot(page, 'timeline-10k');

    // Seeded photos have no thumbnail files: "On this day" shows their thumbhash, never a broken image.
    const memory = page.getByRole('region', { name: 'On this day' }).getByRole('button').first();
    expect(await memory.evaluate((card) => getComputedStyle(card).backgroundImage)).toMatch(/^url\("data:image\/png/);
    expect(await memory.locator('img').evaluate((img) => getComputedStyle(img).opacity)).toBe('0');

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const scrollTasks = longTasks.slice(loadLongTasks);
    const report = {
      assets: ASSETS,
      timelineReadyMs: firstPaint,
      scrollSteps: steps,
      scrollMs,
      maxTileNodes: maxTiles,
      maxGridNodes: maxNodes,
      longTasks: {
        duringLoad: longTasks.slice(0, loadLongTasks).map(Math.round),
        duringScroll: scrollTasks.length,
        maxMs: Math.round(Math.max(0, ...scrollTasks)),
        over100Ms: scrollTasks.filter((d) => d > 100).length,
        totalMs: Math.round(scrollTasks.reduce((a, b) => a + b, 0)),
      },
    };
    const path = writeReport('scroll-report.json', report);
    console.log(`scroll report (${path}):\n${JSON.stringify(report, null, 2)}`);

    expect(maxTiles).toBeGreaterThan(0);
    expect(maxNodes).toBeLessThan(1500);
    expect(errors).toEqual([]);
  });
});
