/**
 * The words in photos, in a real Chromium against a real server and worker with the real
 * PP-OCRv5 models: a photographed book page is found by a word of it under "Words in photo", and
 * the viewer's Text button draws its lines as selectable boxes over the words.
 * Runs on its own user, so it does not depend on the other test files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, contextOfNewUser, eventually, fixtures, launch, openPage, screenshot } from './harness';

const reader = { name: 'Rita Reader', email: 'rita.reader@example.com', password: 'read every word' };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let pageId: string;

beforeAll(async () => {
  browser = await launch();
  context = await contextOfNewUser(browser, reader, { width: 1280, height: 800 });
  const upload = async (name: string, mimeType: string) => {
    const response = await context.request.post(`${baseUrl}/api/assets`, {
      multipart: {
        assetData: { name, mimeType, buffer: readFileSync(join(fixtures, 'photos', name)) },
        deviceAssetId: name,
        deviceId: 'e2e',
        fileCreatedAt: '2024-03-01T10:00:00.000Z',
        fileModifiedAt: '2024-03-01T10:00:00.000Z',
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  pageId = await upload('text/page.png', 'image/png');
  await upload('chelsea.png', 'image/png');
  ({ page, errors } = await openPage(context));
});

afterAll(async () => {
  await context?.request.delete(`${baseUrl}/api/assets`, { data: { ids: [pageId], force: true } }).catch(() => {});
  await browser?.close();
});

describe('words in photos', () => {
  it('finds a page by a word on it and shows its lines over the photo', async () => {
    await eventually(
      'the page read by the worker',
      async () => {
        const response = await context.request.get(`${baseUrl}/api/assets/${pageId}/ocr`);
        return response.ok() && ((await response.json()) as unknown[]).length > 0;
      },
      180_000,
    );

    await page.goto(`${baseUrl}/search`);
    await page.getByText('Filters').click();
    await page.getByLabel('Words in photo').fill('segmentation');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 results').waitFor();
    await page.locator('.tile img').first().click();
    const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
    await viewer.waitFor();
    expect(await page.locator('.viewer').getAttribute('data-asset-id')).toBe(pageId);

    await viewer.getByRole('button', { name: 'Show text in photo' }).click();
    const heading = page.locator('.text-box[data-text="Region-based segmentation"]');
    await heading.waitFor();
    const photo = await page.locator('.viewer-media').boundingBox();
    const box = await heading.boundingBox();
    expect(photo && box, 'the photo and the box are on screen').toBeTruthy();
    // The page (384×191) is letterboxed in the stage: the heading sits in its top-left part.
    const shown = Math.min(photo!.width / 384, photo!.height / 191);
    const left = photo!.x + (photo!.width - 384 * shown) / 2;
    const top = photo!.y + (photo!.height - 191 * shown) / 2;
    expect(box!.x).toBeGreaterThanOrEqual(left - 2);
    expect(box!.y).toBeGreaterThanOrEqual(top - 2);
    expect(box!.x + box!.width).toBeLessThan(left + 384 * shown * 0.8);
    expect(box!.y + box!.height).toBeLessThan(top + 191 * shown * 0.35);
    expect(box!.width).toBeGreaterThan(384 * shown * 0.3);
    // The words are text the page can select and copy.
    const selected = await heading.evaluate((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return selection.toString();
    });
    expect(selected).toBe('Region-based segmentation');
    await screenshot(page, 'text-in-photo');

    // Hidden again with t; a photo without words has no Text button.
    await page.keyboard.press('t');
    await heading.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('finds nothing for a word on no photo of this user', async () => {
    await page.goto(`${baseUrl}/search?text=${encodeURIComponent('giraffe')}`);
    await page.getByText('0 results').waitFor();
  });
});
