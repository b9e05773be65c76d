// Debian's Chromium driven by playwright-core (no browser download): the
// flags keep it offline and quiet, and every run gets a fresh profile.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../cli/run-stoa.ts';
import { requireTool } from '../support/test-tools.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

/** Debian's chromium must be there (npm test's pretest installs it); a test never installs it itself. */
export function ensureChromium(): void {
  requireTool(`chromium (${CHROMIUM}, Debian package chromium)`, existsSync(CHROMIUM));
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
