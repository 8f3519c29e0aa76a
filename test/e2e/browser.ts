/**
 * The browser harness: Debian's Chromium driven by playwright-core. Each launch gets a fresh
 * profile (Playwright passes Chromium a new temporary --user-data-dir). With CI=true a missing
 * browser fails the run; elsewhere it fails too, with the command that installs it.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.PB_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. Install it with: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface WatchedPage { page: Page; errors: Error[] }

/** A new tab whose uncaught page errors are collected, so a test can assert there were none. */
export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  return { page, errors };
}
