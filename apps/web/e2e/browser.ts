import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, inject } from 'vitest';
import { type RunningServer, startServer } from './server';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../test-results');

/**
 * The spec file's own server, over its own copy of the seeded demo county: what one spec creates or counts never
 * depends on which other specs ran before it. Stopped, and its directory removed, after the file's tests.
 */
export async function ownServer(): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-e2e-'));
  fs.cpSync(inject('templateDir'), dir, { recursive: true, filter: (src) => !src.endsWith('server.log') });
  const server = await startServer(dir);
  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

/** Debian's Chromium, headless, with a fresh profile; never a downloaded browser. */
export async function openBrowser(
  device: 'desktop' | 'phone' = 'desktop',
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(device === 'phone'
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
      : { viewport: { width: 1440, height: 900 } }),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A step that, if it fails, leaves a screenshot of what the page showed instead (`name`), then fails as it would. */
export async function orScreenshot<T>(page: Page, name: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    await screenshot(page, name);
    throw e;
  }
}

export async function logIn(page: Page, base: string, username: string, password: string) {
  await page.goto(base);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-user').waitFor();
}

/** What the page's own requests carry: the CSRF token from its cookie, for API calls made beside the UI. */
export async function csrfHeaders(page: Page): Promise<Record<string, string>> {
  const token = (await page.context().cookies()).find((c) => c.name === 'lj_csrf')?.value;
  return token ? { 'x-csrf-token': token } : {};
}
