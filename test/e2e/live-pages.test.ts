/**
 * The live-page contract in real Chromium against the example site in pages/: the seed alert,
 * the counter, chat between two browser contexts, call(), and instance lifecycle.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { WatchedPage } from './browser.js';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';
import path from 'node:path';
import { readdirSync, readlinkSync } from 'node:fs';

/** How many of this process's file descriptors point at `file` (Linux /proc). */
function openDescriptors(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try { return readlinkSync(`/proc/self/fd/${fd}`) === file; } catch { return false; }
  }).length;
}

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });
const tab = (context?: BrowserContext) => suite.tab(context);

const connected = (w: WatchedPage) =>
  w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });

describe('example site in Chromium', () => {
  it('seed demo: clicking #test shows alert("You clicked the button") from the page\'s message listener', async () => {
    const { page } = await tab();
    await page.goto(suite.server.url + '/');
    await connected({ page, errors: [] });
    // An open alert blocks the page, so it is answered from the event, not after click() returns.
    const shown = new Promise<{ type: string; message: string }>((resolve) => {
      page.once('dialog', (d) => {
        resolve({ type: d.type(), message: d.message() });
        void d.dismiss();
      });
    });
    await page.click('#test');
    expect(await shown).toEqual({ type: 'alert', message: 'You clicked the button' });
  });

  it('counter: 20 clicks make 20, and two tabs count independently', async () => {
    // One browser profile (a context the suite closes) with two tabs.
    const ctx = (await tab()).page.context();
    const a = await tab(ctx);
    const b = await tab(ctx);
    await a.page.goto(suite.server.url + '/counter');
    await b.page.goto(suite.server.url + '/counter');
    await connected(a);
    await connected(b);
    expect(await a.page.textContent('#count')).toBe('0');
    // Playwright's click waits for animation frames, which a background tab does not get.
    await a.page.bringToFront();
    for (let i = 0; i < 20; i++) await a.page.click('#inc');
    await a.page.waitForFunction(() => document.getElementById('count')!.textContent === '20', null, { polling: 50 });
    await b.page.bringToFront();
    for (let i = 0; i < 3; i++) await b.page.click('#inc');
    await b.page.waitForFunction(() => document.getElementById('count')!.textContent === '3', null, { polling: 50 });
    expect(await a.page.textContent('#count')).toBe('20');
    // A reload is a new page process: the count starts again.
    await a.page.bringToFront();
    await a.page.reload();
    await connected(a);
    expect(await a.page.textContent('#count')).toBe('0');
  });

  it('chat: a message sent with Enter reaches every page in the room, as text, and no other room', async () => {
    const alice = await tab();
    const bob = await tab();
    const eve = await tab();
    await alice.page.goto(suite.server.url + '/chat/lobby');
    await bob.page.goto(suite.server.url + '/chat/lobby');
    await eve.page.goto(suite.server.url + '/chat/other');
    await Promise.all([connected(alice), connected(bob), connected(eve)]);
    await alice.page.fill('#text', '<img src=x onerror=alert(1)> hi bob');
    await alice.page.press('#text', 'Enter');
    for (const w of [alice, bob]) {
      await w.page.waitForFunction(() => document.querySelectorAll('#log li').length === 1, null, { polling: 50 });
      expect(await w.page.textContent('#log li')).toBe('<img src=x onerror=alert(1)> hi bob');
      expect(await w.page.locator('#log img').count()).toBe(0);
    }
    await bob.page.fill('#text', 'hello alice');
    await bob.page.press('#text', 'Enter');
    await alice.page.waitForFunction(() => document.querySelectorAll('#log li').length === 2, null, { polling: 50 });
    expect(await alice.page.locator('#log li').allTextContents()).toEqual(['<img src=x onerror=alert(1)> hi bob', 'hello alice']);
    expect(await eve.page.locator('#log li').count()).toBe(0);
  });

  it('a page without live handlers gets no client script and no instance', async () => {
    const before = suite.server.app.pagebound.registry.size;
    const { page } = await tab();
    await page.goto(suite.server.url + '/about');
    expect(await page.evaluate(() => typeof (document as any).serverSocket)).toBe('undefined');
    expect(await page.locator('script[src*="/_pagebound/client."]').count()).toBe(0);
    expect(suite.server.app.pagebound.registry.size).toBe(before);
  });

  it('journal: the page holds a file open while the tab lives, and own() closes it when the tab closes', async () => {
    const w = await tab();
    await w.page.goto(suite.server.url + '/journal');
    await connected(w);
    const id = await w.page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id);
    await w.page.fill('#line', 'first entry');
    await w.page.press('#line', 'Enter');
    await w.page.waitForFunction(() => document.getElementById('result')!.textContent!.includes('Appended 11'), null, { polling: 50 });
    const instance = suite.server.app.pagebound.registry.get(id)!;
    expect(instance.closed).toBe(false);
    const file = await w.page.textContent('code');
    expect(openDescriptors(file!)).toBe(1);
    await w.page.close({ runBeforeUnload: true });
    await expect.poll(() => instance.closed, { timeout: 5000 }).toBe(true);
    await expect.poll(() => openDescriptors(file!)).toBe(0);
  });
});
