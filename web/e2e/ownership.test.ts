/**
 * Owning the library, in a real Chromium against a real server and worker: the admin backs the
 * server up from the Administration page and has every original read back by the scrub; a user
 * exports their whole library from Settings, downloads the zip, and imports that same zip back
 * through "Import from Google Takeout", which finds every photo already in the library.
 * Runs on its own user, so it does not depend on the other test files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { admin, baseUrl, fixtures, launch, openPage, screenshot, sql } from './harness';

const owner = { name: 'Olive Owner', email: 'olive@example.com', password: 'my photos are mine' };
const photos = ['obama.jpg', 'biden.jpg'];
const backupTarget = process.env.SHOEBOX_BACKUP_TARGET;

let browser: Browser;
let adminContext: BrowserContext;
let ownerContext: BrowserContext;
let adminPage: Page;
let ownerPage: Page;
let adminErrors: string[];
let ownerErrors: string[];

async function login(context: BrowserContext, user: { email: string; password: string }) {
  const response = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email: user.email, password: user.password } });
  expect(response.ok(), await response.text()).toBe(true);
}

beforeAll(async () => {
  browser = await launch();
  adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The admin exists once another test file ran; create it here when this file runs alone.
  const signUp = await adminContext.request.post(`${baseUrl}/api/auth/admin-sign-up`, { data: admin });
  expect([201, 400]).toContain(signUp.status());
  await login(adminContext, admin);
  const created = await adminContext.request.post(`${baseUrl}/api/admin/users`, { data: owner });
  expect(created.ok(), await created.text()).toBe(true);

  ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await login(ownerContext, owner);
  for (const name of photos) {
    const response = await ownerContext.request.post(`${baseUrl}/api/assets`, {
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
  ({ page: adminPage, errors: adminErrors } = await openPage(adminContext));
  ({ page: ownerPage, errors: ownerErrors } = await openPage(ownerContext));
});

afterAll(async () => {
  await browser?.close();
});

describe('owning the library', () => {
  it('backs the server up from the Administration page and scrubs every original', async () => {
    await adminPage.goto(`${baseUrl}/photos`);
    await adminPage.getByRole('link', { name: 'Administration' }).first().click();
    await adminPage.getByRole('heading', { name: 'Administration' }).waitFor();
    const section = adminPage.getByRole('region', { name: 'Backups' });
    const settings = section.getByRole('definition').first();
    await settings.waitFor();
    // The target the server was started with, and no backup made yet.
    expect(backupTarget, 'deploy/local/web-e2e sets SHOEBOX_BACKUP_TARGET').toBeTruthy();
    expect(await settings.textContent()).toBe(`file://${backupTarget}`);
    await section.getByText('No backups yet.').waitFor();
    const nightly = section.getByRole('term').filter({ hasText: 'Nightly backup' }).locator('xpath=following-sibling::dd');
    expect(await nightly.textContent()).toBe('off');

    // Every original on the server (other test files' users' too, when they ran first).
    const originals = Number(sql('SELECT count(*) FROM assets WHERE library_id IS NULL'));
    expect(originals).toBeGreaterThanOrEqual(photos.length);

    await section.getByRole('button', { name: 'Back up now' }).click();
    const done = section.getByText(/^Last backup completed/);
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain(`already backed up`);
    expect(await section.getByRole('alert').count()).toBe(0);
    const table = section.getByRole('table', { name: 'Backups' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().getByRole('cell').allTextContents();
    // Date, originals, size, database, problems.
    expect(cells[1]).toBe(new Intl.NumberFormat().format(originals));
    expect(cells[4]).toBe('0');
    await screenshot(adminPage, 'admin-backups');

    const scrub = section.getByRole('region', { name: 'Scrub' });
    await scrub.getByRole('button', { name: 'Check all originals now' }).click();
    const scrubbed = scrub.getByText(/^Last scrub completed/);
    await scrubbed.waitFor({ timeout: 60_000 });
    const count = new Intl.NumberFormat().format(originals);
    expect(await scrubbed.textContent()).toContain(`${count} intact, 0 damaged, 0 missing`);
    await scrub.getByText(`${count} of ${count} original${originals === 1 ? '' : 's'} read at least once (100%)`).waitFor();
    await scrub.getByText('No damaged or missing originals found.').waitFor();
    expect(await scrub.getByRole('table', { name: 'Scrub findings' }).count()).toBe(0);
    expect(await section.getByRole('alert').count()).toBe(0);
    await screenshot(adminPage, 'admin-scrub');
    expect(adminErrors).toEqual([]);
  });

  it('exports the library by album, downloads the zip and imports it back as a Takeout', async () => {
    await ownerPage.goto(`${baseUrl}/photos`);
    await ownerPage.getByLabel('Account').click();
    await ownerPage.getByRole('link', { name: 'Settings' }).click();
    const library = ownerPage.getByRole('region', { name: 'Your library' });
    const exporting = library.getByRole('region', { name: 'Export my library' });
    await exporting.getByRole('radio', { name: 'Folders by date' }).waitFor();
    expect(await exporting.getByRole('radio', { name: 'Folders by date' }).isChecked()).toBe(true);
    expect(await exporting.getByRole('list', { name: 'Exports' }).count()).toBe(0);
    await exporting.getByRole('radio', { name: 'Folders by album' }).check();
    await exporting.getByRole('button', { name: 'Export my library' }).click();

    const exports = exporting.getByRole('list', { name: 'Exports' });
    const download = exports.getByRole('link', { name: 'Download' });
    await download.waitFor({ timeout: 60_000 });
    expect(await exports.getByRole('listitem').count()).toBe(1);
    const row = exports.getByRole('listitem').first();
    expect(await row.textContent()).toContain('Folders by album');
    expect(await row.textContent()).toContain('2 photos and videos');
    const href = await download.getAttribute('href');
    expect(href).toMatch(/^\/api\/exports\/[0-9a-f-]+\/download$/);
    expect(await download.getAttribute('download')).not.toBeNull();
    await screenshot(ownerPage, 'settings-export');

    // The link's target, fetched as the browser would with the session cookie.
    const fetched = await ownerPage.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { status: response.status, type: response.headers.get('content-type'), base64: btoa(binary) };
    }, href!);
    expect(fetched.status).toBe(200);
    expect(fetched.type).toBe('application/zip');
    const zip = Buffer.from(fetched.base64, 'base64');
    expect(zip.length).toBeGreaterThan(0);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');

    const importing = library.getByRole('region', { name: 'Import from Google Takeout' });
    const picker = importing.getByLabel('Takeout .zip file');
    const importButton = importing.getByRole('button', { name: 'Import' });
    expect(await importButton.isDisabled()).toBe(true);

    // Something that is not a zip is refused by the server, and the page says why.
    await picker.setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
    await importButton.click();
    const alert = importing.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('A Takeout import takes the .zip file Google Takeout made');
    expect(await importing.getByRole('list', { name: 'Imports' }).count()).toBe(0);

    await picker.setInputFiles({ name: 'shoebox-export.zip', mimeType: 'application/zip', buffer: zip });
    expect(await importing.getByRole('alert').count()).toBe(0);
    await importButton.click();
    const imports = importing.getByRole('list', { name: 'Imports' });
    await imports.waitFor({ timeout: 60_000 });
    const summary = imports.getByText(/already in your library/);
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.textContent()).toBe('Imported 0 photos and videos; 2 already in your library');
    expect(await imports.getByRole('listitem').first().textContent()).toContain('shoebox-export.zip');
    expect(await importing.getByRole('alert').count()).toBe(0);
    await screenshot(ownerPage, 'settings-import');

    // The library still holds the two photos, not four.
    const mine = sql(`SELECT count(*) FROM assets a JOIN users u ON u.id = a.owner_id WHERE u.email = '${owner.email}'`);
    expect(Number(mine)).toBe(photos.length);
    expect(ownerErrors).toEqual([]);
  });
});
