/**
 * The HTTP fallback in real Chromium: behind a proxy that answers every WebSocket upgrade with 403
 * (as some corporate proxies do), the example counter still connects — over HTTP long-poll — and
 * works. A control run through the same kind of proxy without the refusal stays on WebSocket.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import path from 'node:path';
import { launchBrowser, openPage, type WatchedPage } from '../e2e/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startChaosProxy, type ChaosProxy } from '../helpers/chaos-proxy.js';
import { REPO } from '../helpers/temp-pages.js';

let browser: Browser;
let server: TestServer;
const proxies: ChaosProxy[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });
});
afterEach(async () => {
  // Pages first (their goodbye beacons still go through the proxy), then the proxies.
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
  for (const p of proxies.splice(0)) await p.close().catch(() => {});
});
afterAll(async () => {
  await browser?.close().catch(() => {});
  // The proxies are gone, so no long-poll is left open to hold up the server's close.
  await server?.close();
});

async function proxiedTab(refuseUpgrades: boolean): Promise<{ proxy: ChaosProxy; w: WatchedPage }> {
  const proxy = await startChaosProxy(server.port);
  proxy.refuseUpgrades = refuseUpgrades;
  proxies.push(proxy);
  const context = await browser.newContext();
  contexts.push(context);
  const w = await openPage(context);
  return { proxy, w };
}

const connected = (w: WatchedPage) =>
  w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 15_000 });

const transportOf = (w: WatchedPage) => w.page.evaluate(() => window.__pagebound!.stats.transport);
const pageIdOf = (w: WatchedPage) => w.page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);

describe('transport fallback through a proxy', () => {
  it('WebSocket upgrades refused with 403: the counter connects over HTTP and 10 clicks count 10', async () => {
    const { proxy, w } = await proxiedTab(true);
    await w.page.goto(proxy.url + '/counter');
    await connected(w);
    expect(await transportOf(w)).toBe('http');
    expect(await w.page.textContent('#count')).toBe('0');

    const id = await pageIdOf(w);
    const instance = server.app.pagebound.registry.get(id);
    expect(instance).toBeDefined();
    expect(instance!.lifecycle).toBe('connected');

    await w.page.bringToFront();
    for (let i = 0; i < 10; i++) await w.page.click('#inc');
    await w.page.waitForFunction(() => document.getElementById('count')!.textContent === '10', null, { polling: 50, timeout: 10_000 });
    expect(instance!.state.count).toBe(10);
    // Still on HTTP, still the same live instance, and nothing threw in the page.
    expect(await transportOf(w)).toBe('http');
    expect(instance!.lifecycle).toBe('connected');
    expect(server.app.pagebound.registry.get(id)).toBe(instance);
    // The fallback is remembered for the tab once HTTP has been welcomed (docs/protocol.md §6).
    expect(await w.page.evaluate(() => sessionStorage.getItem('pb.transport'))).toBe('http');
    expect(w.errors.map(String)).toEqual([]);
  });

  it('control: through the same proxy without the refusal the counter stays on WebSocket', async () => {
    const { proxy, w } = await proxiedTab(false);
    await w.page.goto(proxy.url + '/counter');
    await connected(w);
    expect(await transportOf(w)).toBe('ws');

    const instance = server.app.pagebound.registry.get(await pageIdOf(w));
    expect(instance?.lifecycle).toBe('connected');

    await w.page.bringToFront();
    for (let i = 0; i < 3; i++) await w.page.click('#inc');
    await w.page.waitForFunction(() => document.getElementById('count')!.textContent === '3', null, { polling: 50, timeout: 10_000 });
    expect(await transportOf(w)).toBe('ws');
    expect(await w.page.evaluate(() => sessionStorage.getItem('pb.transport'))).toBeNull();
    expect(w.errors.map(String)).toEqual([]);
  });
});
