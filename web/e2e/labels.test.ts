/**
 * Scenes and things, in a real Chromium against a real server and worker: the info panel offers
 * the zero-shot labels the CLIP model sees in a photo (web-e2e gives the test model a colour
 * vocabulary), accepting one makes it one of the owner's tags, and the search box completes
 * from the vocabulary. Runs on its own user, so it does not depend on the other test files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, contextOfNewUser, eventually, launch, openPage, output, screenshot, writeSolidPng } from './harness';

const owner = { name: 'Lena Labels', email: 'lena.labels@example.com', password: 'a label for everything' };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let redId: string;

beforeAll(async () => {
  browser = await launch();
  context = await contextOfNewUser(browser, owner, { width: 1400, height: 850 });
  const response = await context.request.post(`${baseUrl}/api/assets`, {
    multipart: {
      assetData: { name: 'red.png', mimeType: 'image/png', buffer: readFileSync(writeSolidPng(join(output, 'labels-red.png'), [215, 25, 20])) },
      deviceAssetId: 'labels-red.png',
      deviceId: 'e2e',
      fileCreatedAt: '2024-05-01T10:00:00.000Z',
      fileModifiedAt: '2024-05-01T10:00:00.000Z',
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  redId = ((await response.json()) as { id: string }).id;
  ({ page, errors } = await openPage(context));
});

afterAll(async () => {
  await context?.request.delete(`${baseUrl}/api/assets`, { data: { ids: [redId], force: true } }).catch(() => {});
  await browser?.close();
});

describe('scenes and things', () => {
  it('suggests what a photo shows, and an accepted suggestion becomes a tag', async () => {
    await eventually(
      'the photo embedded by the worker',
      async () => {
        const response = await context.request.get(`${baseUrl}/api/assets/${redId}/labels`);
        return response.ok() && ((await response.json()) as unknown[]).length > 0;
      },
      180_000,
    );
    expect((await (await context.request.get(`${baseUrl}/api/tags`)).json()) as unknown[]).toEqual([]);

    await page.goto(`${baseUrl}/photos`);
    await page.locator(`.tile[data-asset-id="${redId}"] img`).click();
    await page.getByRole('dialog', { name: 'Photo viewer' }).waitFor();
    const info = page.getByRole('complementary', { name: 'Info' });
    if (!(await info.isVisible())) await page.keyboard.press('i');
    const accept = info.getByRole('button', { name: 'Accept the suggested tag red' });
    await accept.waitFor();
    expect(await info.getByRole('button', { name: 'Accept the suggested tag blue' }).count()).toBe(0);
    await screenshot(page, 'label-suggestions');
    await accept.click();

    await info.getByRole('link', { name: 'red' }).waitFor();
    await accept.waitFor({ state: 'detached' });
    const tags = (await (await context.request.get(`${baseUrl}/api/tags`)).json()) as { value: string }[];
    expect(tags.map((tag) => tag.value)).toEqual(['red']);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('completes a search from the vocabulary', async () => {
    await page.goto(`${baseUrl}/search`);
    // An input with completions is a combobox to assistive technology.
    await page.getByRole('combobox', { name: 'Search', exact: true }).fill('bl');
    await eventually('the completion', () => page.locator('#search-labels option[value="blue"]').count());
    expect(await page.locator('#search-labels option').count()).toBe(1);
  });
});
