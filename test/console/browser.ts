// Debian's Chromium driven by playwright-core (no browser download): the
// flags keep it offline and quiet, and every run gets a fresh profile.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../cli/run-stoa.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

/** Installs chromium (scripts/ensure-test-tools.sh) when it is missing; fails loudly when it cannot. */
export function ensureChromium(): void {
  const r = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chromium is needed for the console tests: ${r.stderr}`);
}

export interface Browser { context: BrowserContext; page: Page; close(): Promise<void> }

export async function launchBrowser(viewport = { width: 1366, height: 900 }): Promise<Browser> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'stoa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport,
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the test run keeps its screenshots (one PNG per page visited). */
export function screenshotDir(): string {
  const dir = process.env.STOA_SCREENSHOT_DIR ?? join(REPO, '.tmp', 'console-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
