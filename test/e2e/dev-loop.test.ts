/**
 * `pagebound dev` in Chromium, against a scratch copy of test/fixtures/dev edited while tabs are
 * open: templates update in place with the page's state, page modules swap their handlers and keep
 * state, a `_lib` store keeps one copy, and errors show in the overlay at file:line until fixed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, openPage, type WatchedPage } from './browser.js';
import { startCli, type CliServer } from '../helpers/cli.js';
import { tempCopy } from '../helpers/temp-pages.js';

let browser: Browser;
let server: CliServer;
const site = tempCopy('dev');
const pagesDir = path.join(site.dir, 'pages');
const contexts: BrowserContext[] = [];
const watched: WatchedPage[] = [];
/** Files as the fixture has them, restored after each test. */
const originals = new Map<string, string>();

beforeAll(async () => {
  browser = await launchBrowser();
  // The real `pagebound dev`, as `npm run dev` runs it (stack traces, source maps and output included).
  server = await startCli('dev', pagesDir, {}, ['--public', path.join(site.dir, 'public')]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  site.remove();
});
afterEach(async () => {
  for (const w of watched.splice(0)) expect(w.errors.map(String)).toEqual([]);
  for (const c of contexts.splice(0)) await c.close();
  for (const [file, text] of originals) writeFileSync(file, text);
  originals.clear();
  // Let the watcher settle on the restored files before the next test edits them again.
  await new Promise((r) => setTimeout(r, 300));
});

/** Rewrites part of a fixture file (relative to the scratch copy), as an editor saving it would. */
function edit(file: string, from: string | RegExp, to: string): void {
  const abs = path.join(site.dir, file);
  const text = readFileSync(abs, 'utf8');
  if (!originals.has(abs)) originals.set(abs, text);
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(abs, next);
}

async function open(route: string, context?: BrowserContext): Promise<Page> {
  const ctx = context ?? (await browser.newContext());
  if (!context) contexts.push(ctx);
  const w = await openPage(ctx);
  watched.push(w);
  await w.page.goto(server.url + route);
  await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });
  // Gone after a reload: tells an in-place update from a reloaded tab.
  await w.page.evaluate(() => { (window as any).__sameDocument = true; });
  return w.page;
}

const call = (page: Page, name: string) => page.evaluate((n) => (document as any).serverSocket.call(n), name);
const sameDocument = (page: Page) => page.evaluate(() => (window as any).__sameDocument === true);
const overlay = (page: Page) => page.locator('#pb-dev-overlay');
const WAIT = { timeout: 10_000, interval: 50 };

describe('dev loop in Chromium', () => {
  it('a template edit shows in the open tab in place, keeping the count and what the user typed', async () => {
    const page = await open('/counter');
    for (let i = 0; i < 3; i++) await page.click('#inc');
    await expect.poll(() => page.textContent('#count'), WAIT).toBe('3');
    await page.fill('#note', 'typed by hand');

    const started = Date.now();
    edit('pages/counter.eta', '<h1 id="heading">Counter</h1>', '<h1 id="heading">Counter, edited</h1>');
    await page.waitForFunction(() => document.getElementById('heading')!.textContent === 'Counter, edited', null, { polling: 10, timeout: 10_000 });
    const latency = Date.now() - started;
    console.log(`dev-loop: template edit visible in the open tab after ${latency} ms`);

    expect(await page.textContent('#count')).toBe('3');
    expect(await page.inputValue('#note')).toBe('typed by hand');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');
    expect(await sameDocument(page)).toBe(true);
    // The page's own script still works: it was not run again, and its listener was kept.
    await page.click('#inc');
    await expect.poll(() => page.textContent('#count'), WAIT).toBe('4');
  });

  it('a page module edit swaps the handlers and keeps the state; a state of another shape reloads the tab', async () => {
    const page = await open('/counter');
    expect(await call(page, 'inc')).toBe(1);
    expect(await call(page, 'inc')).toBe(2);

    edit('pages/counter.page.ts', 'page.state.count += 1;', 'page.state.count += 10;');
    let last = 2;
    let step = 0;
    await expect.poll(async () => {
      const now = (await call(page, 'inc')) as number;
      step = now - last;
      last = now;
      return step;
    }, WAIT).toBe(10);
    // Never back to zero: the count went on from where it was.
    expect(last).toBeGreaterThanOrEqual(12);
    expect(await sameDocument(page)).toBe(true);

    edit('pages/counter.page.ts', 'state: () => ({ count: 0 }),', "state: () => ({ count: 0, label: 'new' }),");
    await page.waitForFunction(() => (window as any).__sameDocument !== true && document.documentElement.classList.contains('pb-connected'),
      null, { polling: 50, timeout: 10_000 });
    expect(await page.textContent('#count')).toBe('0');
  });

  it('a _lib store keeps one copy across an edit of another page, and reloads with its importers when edited itself', async () => {
    const alpha = await open('/alpha');
    const id = await call(alpha, 'storeId');
    expect(typeof id).toBe('string');

    edit('pages/beta.page.ts', '<p id="name">beta</p>', '<p id="name">beta, edited</p>');
    const beta = await open('/beta');
    expect(await beta.textContent('#name')).toBe('beta, edited');
    expect(await call(beta, 'storeId')).toBe(id);
    expect(await call(alpha, 'storeId')).toBe(id);
    expect(await call(await open('/alpha'), 'storeId')).toBe(id);

    edit('pages/_lib/store.ts', 'created: Date.now()', 'created: Date.now(), edited: true');
    // alpha imports the store, so it reloads too and its open tab takes the new store.
    await expect.poll(() => call(alpha, 'storeId'), WAIT).not.toBe(id);
    const fresh = await call(alpha, 'storeId');
    expect(await call(beta, 'storeId')).toBe(fresh);
    expect(await sameDocument(alpha)).toBe(true);
  });

  it('the overlay shows a broken template at its file and line, and goes away once it is fixed', async () => {
    const page = await open('/counter');
    await page.click('#inc');
    await expect.poll(() => page.textContent('#count'), WAIT).toBe('1');

    edit('pages/counter.eta', '<%= it.count %>', '<%= it.count ( %>');
    await expect(overlay(page).locator('.location').textContent({ timeout: 10_000 })).resolves.toMatch(/counter\.eta:2:\d+$/);
    expect(await overlay(page).locator('.kind').textContent()).toContain('PB_ERR_TEMPLATE_SYNTAX');
    expect(await overlay(page).locator('.mark').textContent()).toContain('it.count (');

    writeFileSync(path.join(pagesDir, 'counter.eta'), originals.get(path.join(pagesDir, 'counter.eta'))!.replace('Counter</h1>', 'Counter, fixed</h1>'));
    await page.waitForFunction(() => document.getElementById('heading')!.textContent === 'Counter, fixed', null, { polling: 20, timeout: 10_000 });
    await expect.poll(() => overlay(page).count(), WAIT).toBe(0);
    expect(await page.textContent('#count')).toBe('1');
  });

  it('the overlay shows a throwing handler at its file and line, and goes away once it is fixed', async () => {
    const page = await open('/boom');
    await page.click('#boom');
    await expect(overlay(page).locator('.location').textContent({ timeout: 10_000 })).resolves.toMatch(/boom\.page\.ts:7:\d+$/);
    expect(await overlay(page).locator('.message').textContent()).toBe('the boom handler failed');
    expect(await overlay(page).locator('.mark').textContent()).toContain("throw new Error('the boom handler failed')");

    edit('pages/boom.page.ts', "throw new Error('the boom handler failed');", "return 'fine';");
    await expect.poll(() => overlay(page).count(), WAIT).toBe(0);
    expect(await call(page, 'boom')).toBe('fine');
    expect(await sameDocument(page)).toBe(true);
  });

  it('the overlay shows a page module that does not load at its file and line, and goes away once it is fixed', async () => {
    const page = await open('/counter');
    expect(await call(page, 'inc')).toBe(1);
    edit('pages/counter.page.ts', 'page.state.count += 1;', 'page.state.count += ;');
    await expect(overlay(page).locator('.location').textContent({ timeout: 10_000 })).resolves.toMatch(/counter\.page\.ts:9:\d+$/);
    expect(await overlay(page).locator('.kind').textContent()).toMatch(/^module error/);
    expect(await overlay(page).locator('.mark').textContent()).toContain('page.state.count += ;');

    writeFileSync(path.join(pagesDir, 'counter.page.ts'), originals.get(path.join(pagesDir, 'counter.page.ts'))!);
    await expect.poll(() => overlay(page).count(), WAIT).toBe(0);
    // The instance kept its state through the broken save and the fix.
    expect(await call(page, 'inc')).toBe(2);
    expect(await sameDocument(page)).toBe(true);
  });

  it('a page that fails on its first render shows the error page, which reloads itself once the file is fixed', async () => {
    edit('pages/boom.page.ts', "inline: '<button", "get() { throw new Error('failed while rendering'); },\n  inline: '<button");
    await expect.poll(async () => (await fetch(server.url + '/boom')).status, WAIT).toBe(500);
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const w = await openPage(ctx);
    watched.push(w);
    await w.page.goto(server.url + '/boom');
    expect(await w.page.textContent('#pb-error-location')).toMatch(/boom\.page\.ts:4:\d+$/);
    await w.page.waitForFunction(() => document.documentElement.hasAttribute('data-pb-dev'), null, { polling: 50, timeout: 10_000 });

    writeFileSync(path.join(pagesDir, 'boom.page.ts'), originals.get(path.join(pagesDir, 'boom.page.ts'))!);
    await w.page.waitForSelector('#boom', { timeout: 10_000 });
  });

  it('a not-found tab reloads itself once the page it asked for is saved', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const w = await openPage(ctx);
    watched.push(w);
    const response = await w.page.goto(server.url + '/later');
    expect(response?.status()).toBe(404);
    await w.page.waitForFunction(() => document.documentElement.hasAttribute('data-pb-dev'), null, { polling: 50, timeout: 10_000 });
    const file = path.join(pagesDir, 'later.page.ts');
    writeFileSync(file, "import { definePage } from 'pagebound';\nexport default definePage({ inline: '<p id=\"later\">here now</p>' });\n");
    try {
      await w.page.waitForSelector('#later', { timeout: 10_000 });
    } finally {
      rmSync(file);
    }
  });

  it('a route conflict shows in the overlay of open tabs and clears when resolved', async () => {
    const page = await open('/counter');
    const dir = path.join(pagesDir, 'counter');
    mkdirSync(dir);
    try {
      writeFileSync(path.join(dir, 'index.page.ts'), "import { definePage } from 'pagebound';\nexport default definePage({ inline: 'x' });\n");
      await expect(overlay(page).locator('.kind').textContent({ timeout: 10_000 })).resolves.toContain('PB_ERR_ROUTE_CONFLICT');
      const message = await overlay(page).locator('.message').textContent();
      expect(message).toContain('counter.page.ts');
      expect(message).toContain('counter/index.page.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect.poll(() => overlay(page).count(), WAIT).toBe(0);
    expect(await sameDocument(page)).toBe(true);
  });

  it('a page that is not live gets template updates in place and reloads on a module edit, with no socket API', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const w = await openPage(ctx);
    watched.push(w);
    const page = w.page;
    await page.goto(server.url + '/about');
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-pb-dev'), null, { polling: 50, timeout: 10_000 });
    expect(await page.evaluate(() => typeof (document as any).serverSocket)).toBe('undefined');
    await page.evaluate(() => { (window as any).__sameDocument = true; });
    await page.fill('#note', 'kept');

    edit('pages/about.eta', '<h1 id="heading">About</h1>', '<h1 id="heading">About us</h1>');
    await page.waitForFunction(() => document.getElementById('heading')!.textContent === 'About us', null, { polling: 20, timeout: 10_000 });
    expect(await page.inputValue('#note')).toBe('kept');
    expect(await sameDocument(page)).toBe(true);

    edit('pages/about.page.ts', "title: 'About'", "title: 'About pagebound'");
    await page.waitForFunction(() => document.title === 'About pagebound', null, { polling: 50, timeout: 10_000 });
    expect(await sameDocument(page)).toBe(false);
  });

  it('a socket module edit reloads the tabs, which open the new module', async () => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const w = await openPage(ctx);
    watched.push(w);
    await w.page.goto(server.url + '/sock');
    await w.page.waitForFunction(() => document.getElementById('answer')!.textContent === 'pong', null, { polling: 50, timeout: 10_000 });
    await w.page.waitForFunction(() => document.documentElement.hasAttribute('data-pb-dev'), null, { polling: 50, timeout: 10_000 });
    edit('pages/echo.socket.ts', "ping: () => 'pong'", "ping: () => 'pong, edited'");
    await w.page.waitForFunction(() => document.getElementById('answer')!.textContent === 'pong, edited', null, { polling: 50, timeout: 10_000 });
  });

  it('prints route table changes as they happen', async () => {
    writeFileSync(path.join(pagesDir, 'fresh.page.ts'), "import { definePage } from 'pagebound';\nexport default definePage({ inline: '<p>fresh</p>' });\n");
    try {
      await expect.poll(() => server.output(), WAIT).toMatch(/Routes changed:\n\s+\+ page\s+\/fresh\s+pages\/fresh\.page\.ts/);
      expect((await fetch(server.url + '/fresh')).status).toBe(200);
    } finally {
      rmSync(path.join(pagesDir, 'fresh.page.ts'));
    }
    await expect.poll(() => server.output(), WAIT).toMatch(/Routes changed:\n\s+- page\s+\/fresh/);
    expect((await fetch(server.url + '/fresh')).status).toBe(404);
  });

  it('a stylesheet in public/ swaps without a reload', async () => {
    const page = await open('/counter');
    const color = () => page.evaluate(() => getComputedStyle(document.body).color);
    expect(await color()).toBe('rgb(0, 0, 0)');
    edit('public/style.css', 'rgb(0, 0, 0)', 'rgb(200, 0, 0)');
    await expect.poll(color, WAIT).toBe('rgb(200, 0, 0)');
    expect(await sameDocument(page)).toBe(true);
  });
});
