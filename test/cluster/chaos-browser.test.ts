/**
 * The exactly-once proof in real Chromium: the page sends 2,000 events and receives 2,000 pushes
 * while the connection is reset at ≥ 20 random moments by a loopback proxy (often mid-frame) and the
 * browser is taken offline with context.setOffline(). Afterwards each side's log equals the
 * sender's. On both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from '../e2e/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/temp-pages.js';
import { startChaosProxy, type ChaosProxy } from '../helpers/chaos-proxy.js';

const COUNT = 2000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(['ws', 'http'] as const)('Chromium chaos over %s', (transport) => {
  let server: TestServer;
  let proxy: ChaosProxy;
  beforeAll(async () => {
    // A widened replay window, as in chaos-node.test.ts: this measures delivery, not the window.
    server = await startServer({
      pagesDir: fixture('chaos'), dev: false, transport, pollMs: 1000, heartbeatMs: 1000, heartbeatTimeoutMs: 3000,
      replayMaxFrames: 10_000, replayMaxBytes: 8 << 20,
    });
    proxy = await startChaosProxy(server.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it(`${COUNT} events each way arrive exactly once, in order, through ≥ 20 resets and offline spells`, async () => {
    const context = await browser.newContext();
    const { page, errors } = await openPage(context);
    await page.goto(proxy.url + '/');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
    const id = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
    const instance = server.app.pagebound.registry.get(id)!;
    expect(await page.evaluate(() => (window as any).__pagebound.stats.transport)).toBe(transport);

    const cutsBefore = proxy.cuts;
    let offlineSpells = 0;
    let running = true;
    // Byte-budget cuts land mid-frame; they are kept above a few KB because a server replaying a
    // backlog spends a small budget at once, cutting every connection before the browser's own
    // resends get out (the Node chaos test covers budgets down to 300 bytes).
    proxy.cutMidStream(true, 1000, 60_000);
    const monkey = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 250));
        if (!running) break;
        if (Math.random() < 0.15) {
          offlineSpells++;
          await context.setOffline(true);
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
          await context.setOffline(false);
        } else {
          proxy.cutAll();
        }
      }
    })();

    try {
      await page.evaluate(async (count) => {
        const socket = (document as any).serverSocket;
        const got: number[] = ((window as any).__got = []);
        socket.addEventListener('p', (e: any) => got.push(e.data));
        socket.send('pushes', { count, perTick: 10, everyMs: 40 });
        for (let i = 1; i <= count; i++) {
          for (;;) {
            try {
              socket.send('n', { i });
              break;
            } catch (err: any) {
              // A long offline spell can fill the bounded queue: wait for it to drain, as an app would.
              if (err.code !== 'PB_ERR_QUEUE_FULL') throw err;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 40));
        }
      }, COUNT);
      await page.waitForFunction((count) => (window as any).__got.length >= count, COUNT, { polling: 100, timeout: 90_000 });
      await expect.poll(() => instance.state.log.length, { timeout: 60_000, interval: 100 }).toBe(COUNT);
    } finally {
      running = false;
      await monkey;
      proxy.cutMidStream(false);
      await context.setOffline(false);
    }

    expect(await page.evaluate(() => (window as any).__got)).toEqual(range(COUNT));
    expect(instance.state.log).toEqual(range(COUNT));
    expect(proxy.cuts - cutsBefore + offlineSpells).toBeGreaterThanOrEqual(20);
    // WebSocket re-attaches on every cut; HTTP only re-handshakes when its connection expires.
    if (transport === 'ws') expect(await page.evaluate(() => (window as any).__pagebound.stats.connects)).toBeGreaterThanOrEqual(10);
    expect(errors.map(String)).toEqual([]);
    await context.close();
  }, 180_000);
});
