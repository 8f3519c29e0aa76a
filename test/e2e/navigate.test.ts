/**
 * Navigation without reloads in Chromium (runtime-client/navigate.ts): the window lives on across
 * pages, the old page's instance closes and the new one is live, history and scroll behave as after
 * a load, URL state keeps working beside it, scripts follow the page's CSP, and whatever it cannot
 * do as the browser would is loaded the browser's way. Pages in test/fixtures/navigate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from './suite.js';
import { fixture } from '../helpers/temp-pages.js';
import { startServer, type TestServer } from '../helpers/server.js';

const suite = browserSuite({ pagesDir: fixture('navigate'), dev: false });
/** Another origin (another port) serving the same pages. */
let other: TestServer;
beforeAll(async () => { other = await startServer({ pagesDir: fixture('navigate'), dev: false }); });
afterAll(async () => { await other?.close(); });

const registry = () => suite.server.app.pagebound.registry;
const pageId = (page: Page) => page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
const connected = (page: Page) =>
  page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });
/** A tab at `url` with a marker in its window: it is gone after any full load. */
async function open(url: string): Promise<Page> {
  const page = await suite.open(url);
  await page.evaluate(() => { (window as any).marker = 'kept'; });
  return page;
}
const marker = (page: Page) => page.evaluate(() => (window as any).marker);
const title = (page: Page, text: string) => page.waitForFunction((t) => document.title === t, text, { polling: 20, timeout: 10_000 });
/** The page at `path` is shown and connected. */
async function arrived(page: Page, path: string, pageTitle: string): Promise<void> {
  await page.waitForFunction((p) => location.pathname + location.search === p, path, { polling: 20, timeout: 10_000 });
  await title(page, pageTitle);
  await connected(page);
}

describe('navigation without reloads', () => {
  it('keeps the window, closes the old instance, and the new page is live with its title, head and scripts', async () => {
    const page = await open('/');
    const entries = await page.evaluate(() => history.length);
    const oldId = await pageId(page);
    const oldInstance = registry().get(oldId)!;
    expect(oldInstance).toBeDefined();
    await page.evaluate(() => { document.getElementById('keeper')!.textContent = 'the user\'s'; });

    await page.click('#to-counter');
    await arrived(page, '/counter', 'Counter');
    expect(await marker(page)).toBe('kept');
    const newId = await pageId(page);
    expect(newId).not.toBe(oldId);
    // The old page said bye: closed at once, not after a connect or retain timeout.
    await expect.poll(() => registry().get(oldId), { timeout: 5_000 }).toBeUndefined();
    expect(oldInstance.closed).toBe(true);
    expect(registry().get(newId)).toBeDefined();

    await page.click('#inc');
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '2', null, { polling: 20, timeout: 10_000 });
    expect(await page.evaluate(() => [
      document.querySelector('meta[name=description]')!.getAttribute('content'),
      document.documentElement.lang,
      document.querySelectorAll('#pb-boot').length,
      getComputedStyle(document.getElementById('count')!).color,
      document.getElementById('keeper')!.textContent,
      // The vouched-for script ran once, after the socket existed; the other one did not run.
      (window as any).counterRuns, (window as any).sawSocket, (window as any).unvouched,
    ])).toEqual(['Count things', 'fr', 1, 'rgb(255, 0, 0)', "the user's", 1, true, undefined]);
    expect(await page.evaluate(() => history.length)).toBe(entries + 1);
    // The layout's script ran again on the new page's button, which it binds once, as after a load.
    await page.click('#menu');
    expect(await page.evaluate(() => (window as any).menuClicks)).toBe(1);
  });

  it('back and forward fetch the page of the entry again, live, and put its scroll back', async () => {
    const page = await open('/');
    await page.evaluate(() => scrollTo(0, 1500));
    await page.waitForFunction(() => scrollY === 1500);
    // Not page.click(), which would scroll the link into view first.
    await page.$eval('#to-counter', (a) => (a as HTMLElement).click());
    await arrived(page, '/counter', 'Counter');
    expect(await page.evaluate(() => scrollY)).toBe(0);
    const counterId = await pageId(page);

    await page.goBack();
    await arrived(page, '/', 'Home');
    expect(await page.evaluate(() => scrollY)).toBe(1500);
    // The counter's own style left with it.
    expect(await page.evaluate(() => document.getElementById('page-style'))).toBeNull();
    expect(await page.evaluate(() => (document as any).serverSocket.call('ping'))).toBe('pong');
    await expect.poll(() => registry().get(counterId), { timeout: 5_000 }).toBeUndefined();

    await page.goForward();
    await arrived(page, '/counter', 'Counter');
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 20, timeout: 10_000 });
    expect(await marker(page)).toBe('kept');
    // One page open per tab: every page left closed its instance.
    const session = registry().get(await pageId(page))!.sessionId;
    expect([...registry().values()].filter((p) => p.sessionId === session)).toHaveLength(1);
  });

  it('URL state stays a change of the same page; back to it from another page fetches it', async () => {
    const page = await open('/list');
    const listId = await pageId(page);
    await page.click('#done');
    await page.waitForFunction(() => location.search === '?filter=done' && document.getElementById('filter')!.textContent === 'done', null, { polling: 20 });
    await page.click('#to-counter');
    await arrived(page, '/counter', 'Counter');

    await page.goBack();
    await arrived(page, '/list?filter=done', 'List');
    expect(await page.textContent('#filter')).toBe('done');
    const restoredId = await pageId(page);
    expect(restoredId).not.toBe(listId);

    // The entry before is URL state of this same page: its `navigate` event, no fetch, same instance.
    await page.goBack();
    await page.waitForFunction(() => location.search === '' && document.getElementById('filter')!.textContent === 'all', null, { polling: 20, timeout: 10_000 });
    expect(await pageId(page)).toBe(restoredId);
    expect(registry().get(restoredId)?.closed).toBe(false);
    expect(await marker(page)).toBe('kept');
  });

  it('back while the next page loads: that page is dropped, for another page and for URL state of the one shown', async () => {
    const page = await open('/');
    await page.click('#to-counter');
    await arrived(page, '/counter', 'Counter');
    await page.click('#to-slow');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-navigating'));
    await page.goBack();
    await arrived(page, '/', 'Home');

    await page.click('#to-list');
    await arrived(page, '/list', 'List');
    await page.click('#done');
    await page.waitForFunction(() => location.search === '?filter=done', null, { polling: 20 });
    await page.click('#to-slow');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-navigating'));
    await page.goBack();
    await page.waitForFunction(() => document.getElementById('filter')!.textContent === 'all', null, { polling: 20, timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.classList.contains('pb-navigating'))).toBe(false);
    // Long enough for the slow page to have arrived had it not been dropped.
    await page.waitForTimeout(2_000);
    expect(await page.evaluate(() => [location.pathname, document.title])).toEqual(['/list', 'List']);
    expect(await marker(page)).toBe('kept');
  });

  it('a GET form navigates to its results', async () => {
    const page = await open('/list');
    await page.fill('#q', 'hello there');
    await page.click('#go');
    await arrived(page, '/search?q=hello+there', 'Search');
    expect(await page.textContent('#q-shown')).toBe('hello there');
    expect(await marker(page)).toBe('kept');
    expect(await page.evaluate(() => (document as any).serverSocket.call('again'))).toBe('again');
  });

  it('a redirect shows the page it leads to at its address', async () => {
    const page = await open('/');
    await page.click('#to-old');
    await arrived(page, '/counter', 'Counter');
    expect(await marker(page)).toBe('kept');
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 20, timeout: 10_000 });
  });

  it('a client: true page gets the reflecting ServerSocket, and its sockets close when it is left', async () => {
    const page = await open('/');
    await page.click('#to-client');
    await arrived(page, '/client', 'Client');
    expect(await page.evaluate(() => (window as any).echo.call('ping'))).toBe('pong');
    expect(await page.evaluate(() => (document as any).serverSocket)).toBeUndefined();
    const echo = [...registry().values()].filter((p) => p.route === '/echo' && !p.closed);
    expect(echo).toHaveLength(1);
    await page.click('#to-home');
    await arrived(page, '/', 'Home');
    // The echo module's instance said bye with the page that opened it.
    await expect.poll(() => echo[0]!.closed, { timeout: 5_000 }).toBe(true);
    expect(await page.evaluate(() => (window as any).echo.readyState)).toBe(3);
    expect(await marker(page)).toBe('kept');
  });

  it('a hash-only link scrolls within the page without fetching it', async () => {
    const page = await open('/');
    const id = await pageId(page);
    await page.click('#hash');
    await page.waitForFunction(() => location.hash === '#bottom' && scrollY > 1000, null, { polling: 20 });
    expect(await pageId(page)).toBe(id);
    await page.goBack();
    await page.waitForFunction(() => location.hash === '');
    expect(await pageId(page)).toBe(id);
    expect(await marker(page)).toBe('kept');
  });

  it('another origin, data-pb-reload, a page without the runtime, an error status and a page with another origin\'s script load the browser\'s way', async () => {
    const page = await open(`/?other=${encodeURIComponent(other.url + '/counter')}`);
    await page.click('#other');
    await page.waitForURL(other.url + '/counter');
    await connected(page);
    expect(await marker(page)).toBeUndefined();

    for (const [from, link, to, text] of [
      ['/', '#to-reload', '/counter', '#count'],
      ['/', '#to-plain', '/plain', '#plain'],
      ['/', '#to-missing', '/missing', 'body'],
      ['/', '#to-foreign', '/foreign', '#foreign'],
    ] as const) {
      const p = await open(from);
      await p.click(link);
      await p.waitForURL(suite.server.url + to);
      await p.waitForSelector(text);
      expect(await marker(p)).toBeUndefined();
    }
  });

  it('back from a page loaded the browser\'s way to a page reached by navigation puts its scroll back', async () => {
    const page = await open('/counter');
    await page.click('#to-home');
    await arrived(page, '/', 'Home');
    await page.evaluate(() => scrollTo(0, 1200));
    await page.waitForFunction(() => scrollY === 1200);
    await page.$eval('#to-plain', (a) => (a as HTMLElement).click());
    await page.waitForSelector('#plain');
    await page.goBack();
    await connected(page);
    await page.waitForFunction(() => scrollY === 1200, null, { polling: 20, timeout: 5_000 });
  });

  it('a modified click is the browser\'s: the page stays where it is', async () => {
    const page = await open('/');
    const id = await pageId(page);
    const opened = suite.context.waitForEvent('page');
    await page.click('#to-counter', { modifiers: ['Control'] });
    const tab = await opened;
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe('/counter');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await pageId(page)).toBe(id);
    expect(await marker(page)).toBe('kept');
  });
});

describe('navigation under pagebound dev', () => {
  let dev: TestServer;
  beforeAll(async () => { dev = await startServer({ pagesDir: fixture('navigate'), dev: true }); });
  afterAll(async () => { await dev?.close(); });

  it('works as in production: live pages navigate, a page with no runtime in production loads', async () => {
    const { page } = await suite.tab();
    await page.goto(dev.url + '/');
    await connected(page);
    await page.evaluate(() => { (window as any).marker = 'kept'; });
    await page.click('#to-counter');
    await arrived(page, '/counter', 'Counter');
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 20, timeout: 10_000 });
    expect(await marker(page)).toBe('kept');
    await page.click('#to-plain');
    await page.waitForURL(dev.url + '/plain');
    await page.waitForSelector('#plain');
    expect(await marker(page)).toBeUndefined();
  });
});

describe('navigation over the HTTP transport', () => {
  let http: TestServer;
  beforeAll(async () => { http = await startServer({ pagesDir: fixture('navigate'), dev: false, transport: 'http' }); });
  afterAll(async () => { await http?.close(); });

  it('the page left says bye over HTTP and the next one connects', async () => {
    const { page } = await suite.tab();
    await page.goto(http.url + '/');
    await connected(page);
    expect(await page.evaluate(() => (window as any).__pagebound.stats.transport)).toBe('http');
    const oldId = await pageId(page);
    await page.click('#to-counter');
    await arrived(page, '/counter', 'Counter');
    await expect.poll(() => http.app.pagebound.registry.get(oldId), { timeout: 5_000 }).toBeUndefined();
    await page.click('#inc');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 20, timeout: 10_000 });
  });
});
