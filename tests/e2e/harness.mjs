// Shared by the end-to-end test files: Chromium with the flags this machine needs, and a
// page that records every console error so a test can insist there were none.
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The built page, and where screenshots go. */
export const dist = join(here, '..', '..', 'dist');
export const out = join(here, 'out');

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A fresh context and page at `url`, waiting for the diagram; errors collects console errors. */
export async function open(browser, url, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // A request cut off by the test's own reload or navigation (net::ERR_ABORTED, e.g. the
  // favicon) is not something a visitor meets; any other network failure is.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()}`);
  });
  await page.goto(url);
  await page.locator('svg.topology').waitFor();
  return { page, errors, context };
}

/** For a test file: one browser and the built page served at '/' for all its tests,
 *  closed at the end. Read `ctx.browser` and `ctx.site` inside tests. */
export function setup() {
  const ctx = { browser: null, site: null };
  before(async () => {
    await mkdir(out, { recursive: true });
    ctx.browser = await launch();
    ctx.site = await serve(dist, '/');
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.site?.close();
  });
  return ctx;
}
