/**
 * One browser and one server for a test file: registers the hooks that start and stop them, fail a
 * test on any uncaught page error, and close each test's context. `open(url)` gives a connected tab.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openPage, type WatchedPage } from './browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

type ServerOptions = Parameters<typeof startServer>[0];

export interface BrowserSuite {
  readonly browser: Browser;
  readonly server: TestServer;
  /** The context of the test's last `tab()`/`open()`. */
  readonly context: BrowserContext;
  /** A tab in a fresh context (or in `context`, for a second tab of one browser profile), watched for page errors. */
  tab(context?: BrowserContext): Promise<WatchedPage>;
  /** A tab at `url` (on the suite's server), once its page is connected. */
  open(url: string): Promise<Page>;
}

export function browserSuite(options: ServerOptions): BrowserSuite {
  let browser: Browser;
  let server: TestServer;
  const contexts: BrowserContext[] = [];
  const watched: WatchedPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer(options);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const w of watched.splice(0)) expect(w.errors.map(String)).toEqual([]);
    for (const c of contexts.splice(0)) await c.close();
  });
  const suite: BrowserSuite = {
    get browser() { return browser; },
    get server() { return server; },
    get context() { return contexts[contexts.length - 1]!; },
    async tab(shared) {
      const context = shared ?? (await browser.newContext());
      if (!shared) contexts.push(context);
      const w = await openPage(context);
      watched.push(w);
      return w;
    },
    async open(url) {
      const { page } = await suite.tab();
      await page.goto(server.url + url);
      await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });
      return page;
    },
  };
  return suite;
}
