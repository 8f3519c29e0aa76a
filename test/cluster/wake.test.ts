/**
 * The reconnect policy's shortcuts, in Chromium: while the client waits out a long backoff, the
 * tab becoming visible (or the browser coming online) makes it retry at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from '../e2e/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/temp-pages.js';
import { startChaosProxy, type ChaosProxy } from '../helpers/chaos-proxy.js';

let browser: Browser;
let server: TestServer;
let proxy: ChaosProxy;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer({ pagesDir: fixture('site'), dev: false, retainMs: 60_000 });
  proxy = await startChaosProxy(server.port);
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('reconnect shortcuts', () => {
  it('a tab becoming visible retries at once instead of waiting out its backoff', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openPage(context);
    await page.goto(proxy.url + '/lifecycle');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
    await page.evaluate(() => {
      (window as any).__delays = [];
      (document as any).serverSocket.addEventListener('reconnecting', (e: any) => (window as any).__delays.push(e.delay));
    });

    // The network goes down: every attempt fails, and the backoff grows.
    proxy.refuseAll = true;
    proxy.cutAll();
    await page.waitForFunction(() => (window as any).__delays.some((d: number) => d > 2500), null, { polling: 50, timeout: 30_000 });
    proxy.refuseAll = false;

    // Back: the next attempt is seconds away, but the tab is shown now.
    const t0 = Date.now();
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 20, timeout: 10_000 });
    const waited = Date.now() - t0;
    const scheduled = await page.evaluate(() => (window as any).__delays.at(-1) as number);
    expect(waited).toBeLessThan(scheduled);
    expect(await page.evaluate(() => (document as any).serverSocket.call('add', { a: 1, b: 2 }))).toBe(3);
    expect(errors.map(String)).toEqual([]);
    await context.close();
  }, 60_000);
});
