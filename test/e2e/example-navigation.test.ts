/**
 * The example site (pages/) with navigation without reloads turned on in its layout: every page
 * works after a full load and after arriving by a nav link in the same window — its handlers answer,
 * its inline script runs once per visit (twice on a second visit, without a redeclared const), and
 * the instance of the page left closes.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });

const WAIT = { polling: 20, timeout: 10_000 };
const text = (page: Page, selector: string, expected: string) =>
  page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent?.trim() === t, [selector, expected], WAIT);
const count = (page: Page, selector: string, n: number) =>
  page.waitForFunction(([s, k]) => document.querySelectorAll(s as string).length === k, [selector, n] as const, WAIT);

interface Example {
  link: string; path: string; title: string;
  /** No live handlers, so no runtime: reached by a load, not swapped in. */
  static?: true;
  live(page: Page, visit: number): Promise<void>;
}

/** Each page of the example site, as its nav link names it, and what shows it is working. */
const EXAMPLES: Example[] = [
  { link: 'Counter', path: '/counter', title: 'Counter', async live(page) {
    const before = Number(await page.textContent('#count'));
    await page.click('#inc');
    await text(page, '#count', String(before + 1));
  } },
  { link: 'Chat', path: '/chat/lobby', title: 'Chat: lobby', async live(page, visit) {
    await page.fill('#text', `hello ${visit}`);
    await page.press('#text', 'Enter');
    await page.waitForFunction((t) => Array.from(document.querySelectorAll('#log li')).some((li) => li.textContent!.includes(t)), `hello ${visit}`, WAIT);
  } },
  { link: 'Todo', path: '/todo', title: 'Todo', async live(page) {
    const before = await page.locator('#todos li').count();
    await page.fill('#new-title', 'milk');
    await page.press('#new-title', 'Enter');
    await count(page, '#todos li', before + 1);
  } },
  { link: 'Job', path: '/job', title: 'Background job', async live(page) {
    const before = Number(await page.textContent('#clicks'));
    await page.click('#click');
    await text(page, '#clicks', String(before + 1));
  } },
  { link: 'Report', path: '/report', title: 'Report', async live(page) {
    // Its lazy regions fill in.
    await page.waitForSelector('#visits', WAIT);
    await page.waitForSelector('#top-pages', WAIT);
  } },
  { link: 'Upload', path: '/upload', title: 'Upload', async live(page) {
    const before = await page.locator('#uploads tbody tr').count();
    await page.setInputFiles('#file', [{ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hi\n') }]);
    await page.click('#send');
    await count(page, '#uploads tbody tr', before + 1);
  } },
  { link: 'Journal', path: '/journal', title: 'Journal', async live(page) {
    await page.fill('#line', 'a line');
    await page.click('#journal button');
    await text(page, '#result', 'Appended 6 characters.');
  } },
  { link: 'Contact', path: '/contact', title: 'Contact', async live(page) {
    await page.click('#contact button[type=submit]');
    await text(page, '#name-error', 'Please give your name.');
  } },
  { link: 'Socket', path: '/socket-demo', title: 'ServerSocket to a separate script', async live(page) {
    await page.fill('#shout', 'hey');
    await page.click('#shout-form button');
    await page.waitForFunction(() => document.getElementById('answer')!.textContent !== '', null, WAIT);
  } },
  { link: 'User 42', path: '/users/42', static: true, title: 'User 42', async live(page) {
    await text(page, '#user', 'User 42');
  } },
  { link: 'Docs', path: '/docs/guide/routing', static: true, title: 'Docs', async live(page) {
    await text(page, '#path', 'Path: guide/routing');
  } },
  { link: 'About', path: '/about', static: true, title: 'About', async live(page) {
    await text(page, 'main h1', 'About');
  } },
  { link: 'Home', path: '/', title: 'pagebound', async live(page) {
    // The page's inline script shows what the server pushes.
    const said = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.dismiss(); }));
    await page.click('#test');
    expect(await said).toBe('You clicked the button');
  } },
];

const pageId = (page: Page) => page.evaluate(() => JSON.parse(document.getElementById('pb-boot')?.textContent ?? '{}').id as string | undefined);

describe('the example site', () => {
  it('every page works after a full load', { timeout: 60_000 }, async () => {
    const { page } = await suite.tab();
    for (const example of EXAMPLES) {
      await page.goto(suite.server.url + example.path);
      await example.live(page, 1);
    }
  });

  it('every page works when reached by its nav link, twice, in one window; the page left closes', { timeout: 90_000 }, async () => {
    const page = await suite.open('/');
    await page.evaluate(() => { (window as any).marker = 'kept'; });
    const registry = suite.server.app.pagebound.registry;
    let from: Example | undefined;
    // The live pages twice over in one window (their inline scripts run again), then the others.
    const live = EXAMPLES.filter((e) => !e.static);
    const tour = [...live.map((e) => [e, 1] as const), ...live.map((e) => [e, 2] as const), ...EXAMPLES.filter((e) => e.static).map((e) => [e, 1] as const)];
    {
      for (const [example, visit] of tour) {
        const left = await pageId(page);
        await page.click(`nav a:text-is("${example.link}")`);
        await page.waitForFunction((p) => location.pathname === p, example.path, WAIT);
        await page.waitForFunction((t) => document.title.includes(t), example.title, WAIT);
        await example.live(page, visit);
        if (left) await expect.poll(() => registry.get(left), { timeout: 5_000 }).toBeUndefined();
        // A page with no live handlers has no runtime: the browser loads it, and the links on it.
        const swapped = !example.static && !from?.static;
        expect(await page.evaluate(() => (window as any).marker), example.path).toBe(swapped ? 'kept' : undefined);
        await page.evaluate(() => { (window as any).marker = 'kept'; });
        from = example;
      }
    }
  });
});
