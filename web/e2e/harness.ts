/**
 * Shared set-up for the end-to-end tests: the server started by deploy/local/web-e2e, Debian's
 * Chromium driven through playwright-core, screenshots and reports under SHOEBOX_E2E_OUTPUT.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const baseUrl = required('SHOEBOX_E2E_URL');
export const fixtures = required('SHOEBOX_FIXTURES_DIR');
export const output = process.env.SHOEBOX_E2E_OUTPUT ?? join(process.cwd(), '..', '.local', 'test', 'e2e');
export const screenshots = join(output, 'screenshots');
mkdirSync(screenshots, { recursive: true });

export const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery staple' };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through deploy/local/web-e2e`);
  return value;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.SHOEBOX_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page whose uncaught errors are collected, so tests can assert the app never crashed; so are
 * the server's Content-Security-Policy refusals, which would otherwise only break things quietly.
 */
export async function openPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) errors.push(message.text());
  });
  return { page, errors };
}

/** Signs `user` in on `context`, as the web's login page does. */
export async function login(context: BrowserContext, user: { email: string; password: string }): Promise<void> {
  const response = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email: user.email, password: user.password } });
  if (!response.ok()) throw new Error(`${user.email} cannot sign in: ${response.status()} ${await response.text()}`);
}

/**
 * A browser context signed in as a new user of their own, made by the admin (who signs up first
 * when no test file has yet), so a test file depends on no other.
 */
export async function contextOfNewUser(
  browser: Browser,
  user: { name: string; email: string; password: string },
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  const adminContext = await browser.newContext();
  const signUp = await adminContext.request.post(`${baseUrl}/api/auth/admin-sign-up`, { data: admin });
  if (![201, 400].includes(signUp.status())) throw new Error(`admin sign-up: ${signUp.status()} ${await signUp.text()}`);
  await login(adminContext, admin);
  const created = await adminContext.request.post(`${baseUrl}/api/admin/users`, { data: user });
  if (!created.ok()) throw new Error(`creating ${user.email}: ${created.status()} ${await created.text()}`);
  await adminContext.close();
  const context = await browser.newContext({ viewport });
  await login(context, user);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
  return path;
}

export function writeReport(name: string, report: unknown): string {
  const path = join(output, name);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** Runs SQL on the e2e database through psql; returns its unaligned output. */
export function sql(statement: string): string {
  return execFileSync(required('SHOEBOX_E2E_PSQL'), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', required('SHOEBOX_E2E_DATABASE_URL')], {
    input: statement,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/** Waits until `check` returns a truthy value, polling; fails with `what` after `timeout` ms. */
export async function eventually<T>(what: string, check: () => Promise<T>, timeout = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A PNG of one colour, written to `path`: smart search with the test CLIP model finds it by colour name. */
export function writeSolidPng(path: string, [r, g, b]: [number, number, number], width = 96, height = 64): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  writeFileSync(path, png);
  return path;
}
