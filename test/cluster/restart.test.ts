/**
 * A server restart in real Chromium: the real `pagebound start` CLI serves the example counter, is
 * stopped, and a new process comes up on the same port with the same secret. The page's instance
 * died with the old process, so the new one answers `expired` and the runtime reloads the page once
 * (docs/protocol.md §4, §6), getting a fresh instance — and then stays put.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import net from 'node:net';
import path from 'node:path';
import { launchBrowser, openPage } from '../e2e/browser.js';
import { startCli, type CliServer } from '../helpers/cli.js';
import { REPO } from '../helpers/temp-pages.js';

const PAGES = path.join(REPO, 'pages');
const SECRET = 'restart-test-secret-0123456789';

/** A loopback port that was free a moment ago: both CLI processes are pinned to it. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Stops a CLI with SIGTERM, and SIGKILLs it if it has not exited within `ms`. */
async function stopCli(cli: CliServer | undefined, ms = 10_000): Promise<void> {
  if (!cli || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      resolve();
    }, ms);
  });
  await Promise.race([cli.stop(), killed]);
  clearTimeout(timer);
}

let browser: Browser | undefined;
const clis: CliServer[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close().catch(() => {});
  // Every child process goes, whatever happened in the test.
  await Promise.all(clis.map((cli) => stopCli(cli, 5_000)));
});

describe('server restart', () => {
  it('a restarted server answers expired and the page reloads once', async () => {
    const port = await freePort();
    const env = { PORT: String(port), PAGEBOUND_SECRET: SECRET };
    const first = await startCli('start', PAGES, env);
    clis.push(first);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);

    const context = await browser!.newContext();
    const { page, errors } = await openPage(context);
    const connected = (timeout = 15_000) =>
      page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout });
    await page.goto(first.url + '/counter');
    await connected();
    const firstId = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);

    await page.bringToFront();
    for (let i = 0; i < 3; i++) await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '3', null, { polling: 50, timeout: 10_000 });

    // What the old page's socket goes through: a drop, retries, then the new server's `expired`.
    const events: Array<{ type: string; reason?: string; code?: number }> = [];
    await page.exposeFunction('__pbTestLog', (e: { type: string; reason?: string; code?: number }) => events.push(e));
    await page.evaluate(() => {
      const log = (window as unknown as { __pbTestLog: (e: unknown) => void }).__pbTestLog;
      for (const type of ['disconnect', 'reconnecting', 'expired', 'open', 'resume']) {
        document.serverSocket!.addEventListener(type, (e) => {
          const { reason, code } = e as Event & { reason?: string; code?: number };
          void log({ type, reason, code });
        });
      }
    });

    // Main-frame navigations from here on: the reload, and nothing else.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });

    await stopCli(first);
    expect(first.child.exitCode ?? first.child.signalCode).toBe(0);
    const second = await startCli('start', PAGES, env);
    clis.push(second);
    expect(second.url).toBe(first.url);

    // Reconnect backoff is full jitter capped at 10 s, so the expiry arrives within ~10 s of the
    // new process listening; the reload and the fresh page's connection follow.
    await expect.poll(() => navigations.length, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    await connected();
    expect(navigations).toEqual([first.url + '/counter']);
    // The old instance was not resumed: the new process did not know it (`unknown`), and that
    // expiry, not anything the old process said on its way down, caused the reload.
    expect(events.filter((e) => e.type === 'open' || e.type === 'resume')).toEqual([]);
    expect(events.filter((e) => e.type === 'expired')).toEqual([{ type: 'expired', reason: 'unknown' }]);
    expect(events[0]).toMatchObject({ type: 'disconnect' });
    expect(await page.textContent('#count')).toBe('0');
    const secondId = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
    expect(secondId).not.toBe(firstId);
    // The reload guard was taken for this path (docs: reload once per 10 s).
    expect(await page.evaluate(() => sessionStorage.getItem('pb.reloaded./counter'))).not.toBeNull();

    // The fresh page stays: no second reload, still connected, still counting from 0.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(navigations).toHaveLength(1);
    expect(await page.evaluate(() => document.documentElement.className)).toContain('pb-connected');
    await page.bringToFront();
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 50, timeout: 10_000 });
    expect(navigations).toHaveLength(1);
    expect(errors.map(String)).toEqual([]);
    await context.close();
  }, 60_000);
});
