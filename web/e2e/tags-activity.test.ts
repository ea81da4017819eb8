/**
 * Tags and album activity in a real Chromium against a real server and worker: a user tags
 * selected photos with a new path, finds them in the tag tree (a parent shows its children's
 * photos), edits a photo's tags in the viewer's info panel and takes a tag off; then likes and
 * comments on an album that a family member sees and answers, and switches activity off.
 * Runs on its own users, so it does not depend on gallery.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { admin, baseUrl, eventually, fixtures, launch, openPage, screenshot } from './harness';

const tagger = { name: 'Tess Tagger', email: 'tess@example.com', password: 'tags all the things' };
const friend = { name: 'Finn Friend', email: 'finn@example.com', password: 'likes all the things' };
const photos = ['obama.jpg', 'biden.jpg', 'obama2.jpg'];

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let albumId: string;

const tiles = () => page.locator('.tile').count();

async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, data?: unknown, on = context): Promise<T> {
  const response = await on.request.fetch(`${baseUrl}/api${path}`, { method, data });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

interface TagDto {
  id: string;
  value: string;
}

/** Signs `user` in on a browser of their own. */
async function signedIn(user: { email: string; password: string }) {
  const theirs = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: other, errors: otherErrors } = await openPage(theirs);
  await other.goto(baseUrl);
  await other.getByLabel('Email').fill(user.email);
  await other.getByLabel('Password').fill(user.password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.getByRole('searchbox', { name: 'Search your photos' }).waitFor();
  return { context: theirs, page: other, errors: otherErrors };
}

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The admin exists once gallery.test.ts ran; create it here when this file runs alone.
  const signUp = await context.request.post(`${baseUrl}/api/auth/admin-sign-up`, { data: admin });
  expect([201, 400]).toContain(signUp.status());
  await api('POST', '/auth/login', { email: admin.email, password: admin.password });
  for (const user of [tagger, friend]) await api('POST', '/admin/users', user);
  await context.clearCookies();
  await api('POST', '/auth/login', { email: tagger.email, password: tagger.password });
  for (const name of photos) {
    const response = await context.request.post(`${baseUrl}/api/assets`, {
      multipart: {
        assetData: { name, mimeType: 'image/jpeg', buffer: readFileSync(join(fixtures, 'photos', name)) },
        deviceAssetId: name,
        deviceId: 'e2e',
        fileCreatedAt: '2024-05-01T10:00:00.000Z',
        fileModifiedAt: '2024-05-01T10:00:00.000Z',
      },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  ({ page, errors } = await openPage(context));
});

afterAll(async () => {
  await browser?.close();
});

describe('tags and album activity', () => {
  it('tags selected photos with a new path from the selection bar', async () => {
    await page.goto(`${baseUrl}/photos`);
    await eventually('three thumbnails', async () => (await page.locator('.tile img.loaded').count()) === 3, 120_000);
    await page.locator('.tile').first().hover();
    await page.locator('.tile').first().getByRole('button', { name: 'Select' }).click();
    await page.locator('.tile').nth(1).getByRole('button', { name: 'Select' }).click();
    await page.getByRole('toolbar', { name: 'Selection actions' }).getByRole('button', { name: 'Tag', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Tag', exact: true });
    await dialog.getByLabel('New tag').fill(' Trips / 2024 / Rome ');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('.selection-count').waitFor({ state: 'detached' });
    const tags = await api<TagDto[]>('GET', '/tags');
    expect(tags.map((tag) => tag.value)).toEqual(['Trips', 'Trips/2024', 'Trips/2024/Rome']);
  });

  it('shows the tag tree, and a parent tag holds its children’s photos', async () => {
    await page.getByRole('link', { name: 'Tags', exact: true }).click();
    const tree = page.getByRole('navigation', { name: 'Tag tree' });
    // The tree arrives after the page: read it once it has loaded, not at once.
    await tree.getByRole('link', { name: 'Rome', exact: true }).waitFor();
    const names = await tree.getByRole('listitem').allTextContents();
    expect(names).toEqual(['Trips', '2024', 'Rome']);
    await tree.getByRole('link', { name: 'Trips', exact: true }).click();
    await page.getByRole('heading', { name: 'Trips', exact: true }).waitFor();
    await eventually('two photos under Trips', async () => (await page.locator('.tile img.loaded').count()) === 2);
    await tree.getByRole('link', { name: 'Rome', exact: true }).click();
    await page.getByRole('heading', { name: 'Trips/2024/Rome', exact: true }).waitFor();
    await eventually('two photos under Rome', async () => (await tiles()) === 2);
    await screenshot(page, 'tags');
  });

  it('shows a photo’s tags in the viewer’s info panel, where they are added and removed', async () => {
    await page.locator('.tile img').first().click();
    await page.getByRole('dialog', { name: 'Photo viewer' }).waitFor();
    const id = (await page.locator('.viewer').getAttribute('data-asset-id'))!;
    const info = page.getByRole('complementary', { name: 'Info' });
    if (!(await info.isVisible())) await page.getByRole('button', { name: 'Info' }).click();
    const section = info.getByRole('region', { name: 'Tags' });
    await section.getByRole('link', { name: 'Trips/2024/Rome' }).waitFor();
    await section.getByRole('button', { name: 'Add tag' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tag', exact: true });
    await dialog.getByLabel('New tag').fill('Family');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await section.getByRole('link', { name: 'Family' }).waitFor();
    await section.getByRole('button', { name: 'Remove the tag Trips/2024/Rome' }).click();
    await section.getByRole('link', { name: 'Trips/2024/Rome' }).waitFor({ state: 'detached' });
    const asset = await api<{ tags: TagDto[] }>('GET', `/assets/${id}`);
    expect(asset.tags.map((tag) => tag.value)).toEqual(['Family']);
    await screenshot(page, 'viewer-tags');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Photo viewer' }).waitFor({ state: 'detached' });
  });

  it('takes the tag off selected photos on the tag’s page', async () => {
    await page.reload();
    await eventually('one photo left under Rome', async () => (await tiles()) === 1);
    await page.locator('.tile').first().hover();
    await page.locator('.tile').first().getByRole('button', { name: 'Select' }).click();
    await page.getByRole('toolbar', { name: 'Selection actions' }).getByRole('button', { name: 'Remove tag' }).click();
    await page.getByText('No photos with this tag yet.').waitFor();
    const rome = (await api<TagDto[]>('GET', '/tags')).find((tag) => tag.value === 'Trips/2024/Rome')!;
    const left = await api<{ count: number }[]>('GET', `/timeline/buckets?tagId=${rome.id}`);
    expect(left).toEqual([]);
  });

  it('likes and comments on an album, and a member sees and answers', async () => {
    const ids = (await api<{ assets: { items: { id: string }[] } }>('POST', '/search/metadata', {})).assets.items.map((a) => a.id);
    const users = await api<{ id: string; email: string }[]>('GET', '/users');
    const friendId = users.find((user) => user.email === friend.email)!.id;
    const album = await api<{ id: string }>('POST', '/albums', {
      albumName: 'Lake weekend',
      assetIds: ids,
      albumUsers: [{ userId: friendId, role: 'viewer' }],
    });
    albumId = album.id;
    await page.goto(`${baseUrl}/albums/${albumId}`);
    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Activity' });
    await panel.getByText('No comments yet.').waitFor();
    await panel.getByRole('button', { name: 'Like', exact: true }).click();
    await panel.getByRole('button', { name: 'Liked' }).waitFor();
    await panel.getByTestId('album-likes').getByText(`Liked by ${tagger.name}`).waitFor();
    await panel.getByLabel('Comment', { exact: true }).fill('What a weekend!');
    await panel.getByRole('button', { name: 'Send' }).click();
    await panel.getByRole('list', { name: 'Comments' }).getByText('What a weekend!').waitFor();
    expect(await panel.getByLabel('Comment', { exact: true }).inputValue()).toBe('');

    const { context: theirs, page: other, errors: otherErrors } = await signedIn(friend);
    try {
      await other.goto(`${baseUrl}/albums/${albumId}`);
      await other.getByRole('button', { name: 'Activity', exact: true }).click();
      const theirPanel = other.getByRole('complementary', { name: 'Activity' });
      const comments = theirPanel.getByRole('list', { name: 'Comments' });
      await comments.getByText('What a weekend!').waitFor();
      await theirPanel.getByText(`Liked by ${tagger.name}`).waitFor();
      // A member cannot delete the owner's comment, nor switch activity off.
      expect(await theirPanel.getByRole('button', { name: `Delete the comment by ${tagger.name}` }).count()).toBe(0);
      expect(await theirPanel.getByRole('checkbox', { name: 'Comments and likes' }).count()).toBe(0);
      await theirPanel.getByLabel('Comment', { exact: true }).fill('Let’s go again in June');
      await theirPanel.getByRole('button', { name: 'Send' }).click();
      await comments.getByText('Let’s go again in June').waitFor();
      await screenshot(other, 'album-activity-member');
      expect(otherErrors).toEqual([]);
    } finally {
      await theirs.close();
    }

    // The owner sees the answer and may delete anyone's comment.
    await panel.getByRole('button', { name: 'Close activity' }).click();
    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    const comments = panel.getByRole('list', { name: 'Comments' });
    await comments.getByText('Let’s go again in June').waitFor();
    await screenshot(page, 'album-activity');
    await panel.getByRole('button', { name: `Delete the comment by ${friend.name}` }).click();
    await comments.getByText('Let’s go again in June').waitFor({ state: 'detached' });
    const stats = await api<{ comments: number; likes: number }>('GET', `/activities/statistics?albumId=${albumId}`);
    expect(stats).toEqual({ comments: 1, likes: 1 });
  });

  it('lets the owner switch comments and likes off', async () => {
    const panel = page.getByRole('complementary', { name: 'Activity' });
    await panel.getByRole('checkbox', { name: 'Comments and likes' }).uncheck();
    await panel.getByText('Comments and likes are switched off for this album.').waitFor();
    expect(await panel.getByLabel('Comment', { exact: true }).count()).toBe(0);
    // What was said stays readable.
    await panel.getByRole('list', { name: 'Comments' }).getByText('What a weekend!').waitFor();
    const album = await api<{ isActivityEnabled: boolean }>('GET', `/albums/${albumId}`);
    expect(album.isActivityEnabled).toBe(false);
  });

  it('never threw an uncaught error in the page', () => {
    expect(errors).toEqual([]);
  });
});
