/**
 * Faces that learn, in a real Chromium against a real server and worker with the real buffalo_s
 * face models: three photos of one man become one person; a face given by hand to a new person
 * splits him in two; that person's page asks "Same person?" about the other, and Merge puts
 * him back together. Runs on its own user, so it does not depend on the other test files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIResponse, Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, contextOfNewUser, eventually, fixtures, launch, openPage, screenshot } from './harness';

const owner = { name: 'Pia People', email: 'pia.people@example.com', password: 'faces that learn' };

type Person = { id: string; name: string };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
const photos: string[] = [];

async function body<T>(response: APIResponse): Promise<T> {
  expect(response.ok(), `${response.url()}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

const people = async () => (await body<{ people: Person[] }>(await context.request.get(`${baseUrl}/api/people`))).people;
const facesOf = (asset: string) =>
  context.request.get(`${baseUrl}/api/faces?id=${asset}`).then((r) => body<{ id: string; person: Person | null }[]>(r));

beforeAll(async () => {
  browser = await launch();
  context = await contextOfNewUser(browser, owner, { width: 1280, height: 800 });
  for (const [index, name] of ['obama.jpg', 'obama2.jpg', 'obama3.jpg'].entries()) {
    const response = await context.request.post(`${baseUrl}/api/assets`, {
      multipart: {
        assetData: { name, mimeType: 'image/jpeg', buffer: readFileSync(join(fixtures, 'photos', name)) },
        deviceAssetId: `people-${name}`,
        deviceId: 'e2e',
        fileCreatedAt: `2024-04-0${index + 1}T10:00:00.000Z`,
        fileModifiedAt: `2024-04-0${index + 1}T10:00:00.000Z`,
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    photos.push(((await response.json()) as { id: string }).id);
  }
  ({ page, errors } = await openPage(context));
});

afterAll(async () => {
  await context?.request.delete(`${baseUrl}/api/assets`, { data: { ids: photos, force: true } }).catch(() => {});
  await browser?.close();
});

describe('faces that learn', () => {
  it('asks "Same person?" about a man split in two, and Merge makes him one again', async () => {
    const [whole] = await eventually(
      'one person with all three photos',
      async () => {
        const found = await people();
        if (found.length !== 1) return null;
        const statistics = await body<{ assets: number }>(await context.request.get(`${baseUrl}/api/people/${found[0].id}/statistics`));
        return statistics.assets === 3 ? found : null;
      },
      200_000,
    );

    // Give the third photo's face to a new person, as the web's face editor does.
    const [face] = await facesOf(photos[2]);
    const barack = await body<Person>(await context.request.post(`${baseUrl}/api/people`, { data: { name: 'Barack' } }));
    await body(await context.request.put(`${baseUrl}/api/faces/${barack.id}`, { data: { id: face.id } }));
    expect((await facesOf(photos[2]))[0].person?.id).toBe(barack.id);
    expect((await people()).length).toBe(2);

    await page.goto(`${baseUrl}/people/${barack.id}`);
    const samePerson = page.getByRole('region', { name: 'Same person?' });
    await samePerson.waitFor();
    expect(await samePerson.locator('.same-person-chip').count()).toBe(1);
    expect(await samePerson.getByRole('button', { name: 'Unnamed' }).count()).toBe(1);
    await eventually('Barack’s one photo in the grid', async () => (await page.locator('.tile').count()) === 1, 30_000);
    // His face crop is made by the worker after he exists: it shows once made, without a reload.
    await eventually(
      'Barack’s face crop in the header',
      () => page.locator('.person-header > img.person-face').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 1),
      30_000,
    );
    await screenshot(page, 'same-person');

    await samePerson.getByRole('button', { name: 'Merge this person into Barack' }).click();
    await samePerson.waitFor({ state: 'detached' });
    await eventually('all three photos on Barack’s page', async () => (await page.locator('.tile').count()) === 3, 30_000);
    const after = await people();
    expect(after.map((person) => [person.id, person.name])).toEqual([[barack.id, 'Barack']]);
    for (const photo of photos) expect((await facesOf(photo))[0].person?.id).toBe(barack.id);
    expect(after.some((person) => person.id === whole.id)).toBe(false);
    expect(errors).toEqual([]);
  }, 300_000);
});
