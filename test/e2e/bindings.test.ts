/**
 * Declarative bindings and the pending class, in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from './suite.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture, REPO } from '../helpers/temp-pages.js';
import path from 'node:path';

const suite = browserSuite({ pagesDir: fixture('site'), dev: true });
/** The example site, for its socket-only module. */
let site: TestServer;
beforeAll(async () => { site = await startServer({ pagesDir: path.join(REPO, 'pages'), dev: false }); });
afterAll(async () => { await site?.close(); });

async function open(url: string): Promise<Page> {
  const { page } = await suite.tab();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
  return page;
}
const got = (page: Page) => page.evaluate(() => (document as any).serverSocket.call('got'));

describe('declarative bindings in Chromium', () => {
  it('data-on-click sends data-value-* and carries pb-pending until the server has handled it', async () => {
    const page = await open(suite.server.url + '/bindings');
    await page.click('#slow');
    expect(await page.getAttribute('#slow', 'class')).toContain('pb-pending');
    await page.waitForFunction(() => !document.getElementById('slow')!.classList.contains('pb-pending'), null, { polling: 20 });
    expect(await got(page)).toEqual([['slow', { id: '7', kind: 'big' }]]);
  });

  it('data-on-submit sends the form fields and does not navigate', async () => {
    const page = await open(suite.server.url + '/bindings');
    const url = page.url();
    await page.click('#go');
    await expect.poll(() => got(page)).toEqual([['form', { name: 'Ada', tags: ['a', 'b'] }]]);
    expect(page.url()).toBe(url);
  });

  it('data-on-input is debounced to the last value; data-on-change sends the new value', async () => {
    const page = await open(suite.server.url + '/bindings');
    // Five input events well inside the 200 ms debounce, as fast typing makes them.
    await page.evaluate(async () => {
      const input = document.getElementById('search') as HTMLInputElement;
      for (const value of ['h', 'he', 'hel', 'hell', 'hello']) {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    await page.selectOption('#pick', 'two');
    await expect.poll(() => got(page)).toEqual(expect.arrayContaining([['search', { value: 'hello' }], ['pick', { value: 'two' }]]));
    await new Promise((r) => setTimeout(r, 400));
    expect((await got(page)).filter(([n]: [string]) => n === 'search')).toEqual([['search', { value: 'hello' }]]);
  });

  it('a bound event whose handler throws fires `error` on the socket with the code', async () => {
    const page = await open(suite.server.url + '/bindings');
    const error = page.evaluate(() => new Promise((resolve) => {
      (document as any).serverSocket.addEventListener('error', (e: any) => resolve(e.error?.code ?? e.detail?.code ?? null), { once: true });
    }));
    await page.click('#bad');
    expect(await error).toBe('PB_ERR_HANDLER');
    // The page keeps working after the failure.
    expect(await got(page)).toEqual([]);
  });
});

describe('a separate script: new ServerSocket(path)', () => {
  it('connects a page without its own instance to pages/echo.socket.ts', async () => {
    const w = await suite.tab();
    const before = site.app.pagebound.registry.size;
    await w.page.goto(site.url + '/socket-demo');
    expect(await w.page.evaluate(() => typeof (document as any).serverSocket)).toBe('undefined');
    await w.page.waitForFunction(() => document.getElementById('greeting')!.textContent === 'connected to /echo', null, { polling: 50 });
    expect(site.app.pagebound.registry.size).toBe(before + 1);
    await w.page.fill('#shout', 'hi there');
    await w.page.press('#shout', 'Enter');
    await w.page.waitForFunction(() => document.getElementById('answer')!.textContent === 'HI THERE (#1)', null, { polling: 50 });
  });
});
