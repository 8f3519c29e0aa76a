/**
 * The bundled browser runtime in real Chromium against the real server: the ServerSocket API,
 * data-on-* bindings, and the promises that matter when the network misbehaves — exactly-once
 * in-order delivery across drops, the offline queue, the HTTP fallback, heartbeat timeouts,
 * replacement (4409) and expiry. Pages live in test/fixtures/runtime.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { browserSuite } from './suite.js';

/** What a test page exposes: the lifecycle events it saw, in order (`type[:code][:reason]`). */
declare global {
  interface Window {
    seen: string[];
  }
}

const HB = 500;
const suite = browserSuite({
  pagesDir: fileURLToPath(new URL('../fixtures/runtime', import.meta.url)),
  dev: true,
  heartbeatMs: HB,
  heartbeatTimeoutMs: 3 * HB,
  retainMs: 30_000,
});

const registry = () => suite.server.app.pagebound.registry;
const connected = (page: Page) =>
  page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { timeout: 10_000 });
/** Closes the server side of the page's live connection, as a network failure would. */
const dropConnection = (id: string) => suite.server.app.pagebound.endpoints.of(registry().get(id)!)?.connection?.close(1012, 'test drop');

async function open(prepare?: (ctx: BrowserContext) => Promise<unknown>): Promise<{ page: Page; id: string }> {
  // The tab is blank until goto(), so what `prepare` sets up on its context applies from the first request.
  const w = await suite.tab();
  await prepare?.(suite.context);
  await w.page.goto(suite.server.url + '/rt');
  await connected(w.page);
  const id = await w.page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
  await w.page.evaluate(() => {
    window.seen = [];
    for (const type of ['open', 'resume', 'disconnect', 'reconnecting', 'expired', 'close']) {
      document.serverSocket!.addEventListener(type, (e) => {
        const { code, reason } = e as Event & { code?: number; reason?: string };
        window.seen.push([type, code, reason].filter((x) => x !== undefined && x !== '').join(':'));
      });
    }
  });
  return { page: w.page, id };
}

/** Sends 1, 2, 3, … every few ms while `during` runs; resolves with how many were sent. */
async function sendingThrough(page: Page, during: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { n: number; timer: number };
    w.n = 0;
    w.timer = window.setInterval(() => document.serverSocket!.send('log', ++w.n), 4);
  });
  await during();
  return page.evaluate(() => {
    const w = window as unknown as { n: number; timer: number };
    clearInterval(w.timer);
    return w.n;
  });
}

const got = (page: Page) => page.evaluate(() => document.serverSocket!.call('got') as Promise<unknown[]>);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Waits until the socket has resumed `n` times (a stale pb-connected class could race a drop). */
const resumed = (page: Page, n: number) =>
  page.waitForFunction((k) => window.seen.filter((s) => s === 'resume').length >= k, n, { timeout: 10_000 });

describe('ServerSocket API', () => {
  it('call() resolves with the result or rejects with the code; send() failures fire `error`', async () => {
    const { page } = await open();
    expect(await page.evaluate(() => document.serverSocket!.call('add', { a: 2, b: 40 }))).toBe(42);
    const failure = await page.evaluate(() =>
      document.serverSocket!.call('fail').catch((e: { code: string; message: string }) => [e.code, e.message]),
    );
    expect(failure).toEqual(['PB_ERR_HANDLER', 'boom']);
    const event = await page.evaluate(
      () =>
        new Promise((resolve) => {
          document.serverSocket!.addEventListener('error', (e) => resolve([e.error.code, e.message]), { once: true });
          document.serverSocket!.send('fail');
        }),
    );
    expect(event).toEqual(['PB_ERR_HANDLER', 'boom']);
    const thrown = await page.evaluate(() => {
      try {
        document.serverSocket!.send('bad name!');
      } catch (e) {
        return (e as { code: string }).code;
      }
    });
    expect(thrown).toBe('PB_ERR_EVENT_NAME');
  });

  it('a server push reaches `addEventListener(name, alert)` as its text', async () => {
    const { page } = await open();
    const message = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page.evaluate(() => {
      document.serverSocket!.addEventListener('message', alert);
      document.serverSocket!.send('say', 'You clicked the button');
    });
    expect(await message).toBe('You clicked the button');
  });

  it('pushes arrive in order; the byte stream echoes 600 KiB through the 256 KiB window', async () => {
    const { page } = await open();
    const ticks = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const seen: number[] = [];
          document.serverSocket!.addEventListener('tick', (e) => {
            seen.push(e.data as number);
            if (seen.length === 100) resolve(seen);
          });
          document.serverSocket!.send('push', 100);
        }),
    );
    expect(ticks).toEqual(oneTo(100));
    const echoed = await page.evaluate(async () => {
      const s = document.serverSocket!;
      const n = 600 * 1024;
      const data = Uint8Array.from({ length: n }, (_, i) => i % 251);
      const written = s.write(data);
      let count = 0;
      let same = true;
      while (count < n) {
        const chunk = await s.read();
        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== (count + i) % 251) same = false;
        count += chunk.length;
      }
      await written;
      return [count, same];
    });
    expect(echoed).toEqual([600 * 1024, true]);
  });

  it('new ServerSocket(path) opens a socket module and gets what it emitted before connecting', async () => {
    const { page } = await open();
    const result = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const s = new ServerSocket('/rtsock');
          s.addEventListener('hi', async (e) => resolve([String(e), await s.call('ping'), s.readyState]));
        }),
    );
    expect(result).toEqual(['welcome', 'pong /rtsock', 1]);
  });
});

describe('data-on-* bindings', () => {
  it('send clicks, debounced input, changes and forms with data-value-* merged in', async () => {
    const { page } = await open();
    await page.click('#btn');
    await page.fill('#typing', 'hello');
    await page.waitForTimeout(200);
    await page.selectOption('#pick', 'b');
    await page.check('#check');
    await page.click('#go');
    await expect.poll(() => got(page)).toHaveLength(5);
    expect(await got(page)).toEqual([
      { id: '7', userName: 'ann' },
      { value: 'hello', name: 'q' },
      { value: 'b' },
      { value: true },
      { tag: ['x', 'y'], title: 'hi', kind: 'form' },
    ]);
  });

  it('mark the element pb-pending until the reply arrives', async () => {
    const { page } = await open();
    await page.click('#slow');
    expect(await page.getAttribute('#slow', 'class')).toBe('pb-pending');
    await page.waitForFunction(() => !document.getElementById('slow')!.classList.contains('pb-pending'));
  });
});

describe('delivery across connection failures', () => {
  it('WebSocket: events sent through three drops arrive exactly once, in order; a pending call survives', async () => {
    const { page, id } = await open();
    const slow = page.evaluate(() => document.serverSocket!.call('slow'));
    const sent = await sendingThrough(page, async () => {
      for (let i = 0; i < 3; i++) {
        await resumed(page, i);
        await page.waitForTimeout(100);
        dropConnection(id);
      }
      await page.waitForTimeout(100);
    });
    await resumed(page, 3);
    expect(await slow).toBe('done');
    expect(await got(page)).toEqual(oneTo(sent));
    expect(await page.evaluate(() => window.seen.filter((s) => s === 'resume').length)).toBe(3);
  });

  it('offline: events queue, <html> says pb-reconnecting, and `online` reconnects at once', async () => {
    const { page, id } = await open();
    await suite.context.setOffline(true);
    dropConnection(id);
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-reconnecting'));
    await page.evaluate(() => {
      for (let i = 1; i <= 20; i++) document.serverSocket!.send('log', i);
    });
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => document.serverSocket!.readyState)).toBe(0);
    const back = Date.now();
    await suite.context.setOffline(false);
    await connected(page);
    expect(Date.now() - back).toBeLessThan(1000);
    expect(await got(page)).toEqual(oneTo(20));
    // Failures while offline say nothing about WebSocket: no switch to HTTP.
    expect(await page.evaluate(() => [window.__pagebound!.stats.transport, sessionStorage.getItem('pb.transport')])).toEqual([
      'ws',
      null,
    ]);
  });

  it('HTTP long-poll: the same API, and exactly-once through drops', async () => {
    const { page, id } = await open((ctx) => ctx.addInitScript(() => sessionStorage.setItem('pb.transport', 'http')));
    expect(await page.evaluate(() => window.__pagebound!.stats.transport)).toBe('http');
    expect(await page.evaluate(() => document.serverSocket!.call('add', { a: 1, b: 2 }))).toBe(3);
    const sent = await sendingThrough(page, async () => {
      for (let i = 0; i < 2; i++) {
        await resumed(page, i);
        await page.waitForTimeout(150);
        dropConnection(id);
      }
      await page.waitForTimeout(150);
    });
    await resumed(page, 2);
    expect(await got(page)).toEqual(oneTo(sent));
  });

  it('a WebSocket that cannot connect twice falls back to HTTP and remembers it for the tab', async () => {
    const { page } = await open((ctx) => ctx.routeWebSocket(/\/_pagebound\/ws/, (ws) => ws.close({ code: 1011 })));
    expect(await page.evaluate(() => [window.__pagebound!.stats.transport, sessionStorage.getItem('pb.transport')])).toEqual([
      'http',
      'http',
    ]);
    expect(await page.evaluate(() => document.serverSocket!.call('add', { a: 1, b: 1 }))).toBe(2);
  });

  it('a connection gone silent is dropped after 2 × heartbeat and resumed', async () => {
    const live: Array<{ frozen: boolean }> = [];
    const { page } = await open((ctx) =>
      ctx.routeWebSocket(/\/_pagebound\/ws/, (ws) => {
        const conn = { frozen: false };
        live.push(conn);
        const upstream = ws.connectToServer();
        ws.onMessage((m) => !conn.frozen && upstream.send(m));
        upstream.onMessage((m) => !conn.frozen && ws.send(m));
      }),
    );
    live[0]!.frozen = true;
    const t = Date.now();
    await page.evaluate(() => document.serverSocket!.send('log', 'while silent'));
    await page.waitForFunction(() => window.seen.includes('resume'), null, { timeout: 10_000 });
    expect(Date.now() - t).toBeLessThan(2 * HB + 2000);
    expect(await got(page)).toEqual(['while silent']);
  });
});

describe('end of an instance', () => {
  it('expired: reloads once; expiring again within 10 s leaves the page marked pb-expired', async () => {
    const { page, id } = await open();
    const reloaded = page.waitForEvent('framenavigated');
    await page.evaluate(() => document.serverSocket!.send('quit'));
    await reloaded;
    await connected(page);
    const id2 = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
    expect(id2).not.toBe(id);
    const events = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const seen: string[] = [];
          document.serverSocket!.addEventListener('expired', (e) => seen.push('expired:' + e.reason));
          document.serverSocket!.addEventListener('close', (e) => resolve([...seen, 'close:' + e.code]));
          document.serverSocket!.send('quit');
        }),
    );
    expect(events).toEqual(['expired:closed', 'close:4410']);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id)).toBe(id2);
    expect(await page.evaluate(() => [document.documentElement.className, document.serverSocket!.readyState])).toEqual([
      'pb-expired',
      3,
    ]);
  });

  it('expired with preventDefault(): no reload', async () => {
    const { page } = await open();
    await page.evaluate(() => {
      document.serverSocket!.addEventListener('expired', (e) => e.preventDefault());
      document.serverSocket!.send('quit');
    });
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-expired'));
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.seen)).toEqual(['expired:closed', 'close:4410:closed']);
  });

  it('replaced by a newer connection (4409): closes without fighting back', async () => {
    const { page, id } = await open();
    await page.evaluate(
      (pageId) =>
        new Promise((resolve) => {
          const url = location.origin.replace('http', 'ws') + '/_pagebound/ws';
          const rival = new WebSocket(url, ['pagebound.v1', 'pb.sid.' + pageId]);
          rival.onopen = () => rival.send(JSON.stringify({ t: 'hello', v: 1, ack: 0 }));
          rival.onmessage = resolve;
        }),
      id,
    );
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => [window.seen, document.serverSocket!.readyState])).toEqual([['close:4409'], 3]);
  });
});
