/**
 * The todo example (pages/todo) in Chromium: add, toggle, edit, delete, filter with the filter in
 * the URL and back/forward restoring it, the count left, and a validation error from the same redraw.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });
const open = suite.open;

const titles = (page: Page) => page.locator('#todos .title').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
const left = (page: Page) => page.textContent('#left');
const until = (page: Page, fn: () => boolean) => page.waitForFunction(fn, null, { polling: 20, timeout: 10_000 });

async function add(page: Page, title: string): Promise<void> {
  const before = await page.locator('#todos li').count();
  await page.fill('#new-title', title);
  await page.press('#new-title', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#todos li').length === n, before + 1, { polling: 20 });
}

describe('todo example', () => {
  it('adds, toggles, edits, deletes and counts, with no client script of its own', async () => {
    const page = await open('/todo');
    expect(await page.locator('main script').count()).toBe(0);
    await add(page, 'milk');
    await add(page, '<b>bread</b>');
    await add(page, 'eggs');
    expect(await titles(page)).toEqual(['milk', '<b>bread</b>', 'eggs']);
    // The form reset itself once the handler succeeded.
    expect(await page.inputValue('#new-title')).toBe('');
    expect(await left(page)).toBe('3 items left');

    await page.check('#todo-1 .toggle');
    await until(page, () => document.getElementById('left')!.textContent === '2 items left');
    expect(await page.getAttribute('#todo-1', 'class')).toBe('done');

    await page.fill('#todo-3 .title', 'a dozen eggs');
    await page.press('#todo-3 .title', 'Enter');
    await page.click('#todo-2 .remove');
    await until(page, () => document.querySelectorAll('#todos li').length === 2);
    expect(await titles(page)).toEqual(['milk', 'a dozen eggs']);
    expect(await left(page)).toBe('1 item left');

    // A validation error renders with the redraw, and what the user typed stays to fix it.
    await page.fill('#new-title', '   ');
    await page.press('#new-title', 'Enter');
    await until(page, () => document.querySelector('#new-todo .error')?.textContent === 'Write something to do first.');
    expect(await page.inputValue('#new-title')).toBe('   ');
    await page.fill('#new-title', 'tea');
    await page.press('#new-title', 'Enter');
    await until(page, () => !document.querySelector('#new-todo .error') && document.querySelectorAll('#todos li').length === 3);

    await page.click('#clear');
    await until(page, () => document.querySelectorAll('#todos li').length === 2);
    expect(await titles(page)).toEqual(['a dozen eggs', 'tea']);
  });

  it('filters with the filter in the URL; back and forward restore it; a reload keeps it', async () => {
    const page = await open('/todo');
    await add(page, 'one');
    await add(page, 'two');
    await page.check('#todo-2 .toggle');
    await until(page, () => document.getElementById('left')!.textContent === '1 item left');
    const entries = await page.evaluate(() => window.history.length);

    await page.click('#filters a:text("active")');
    await until(page, () => location.search === '?filter=active');
    expect(await titles(page)).toEqual(['one']);
    await page.click('#filters a:text("done")');
    await until(page, () => location.search === '?filter=done');
    expect(await titles(page)).toEqual(['two']);
    expect(await page.evaluate(() => history.length)).toBe(entries + 2);
    // Same document throughout: no navigation happened.
    expect(await page.evaluate(() => document.querySelectorAll('#todos li').length)).toBe(1);

    await page.goBack();
    await until(page, () => location.search === '?filter=active' && document.querySelectorAll('#todos li').length === 1 && (document.querySelector('#todos .title') as HTMLInputElement).value === 'one');
    expect(await page.getAttribute('#filters a[aria-current]', 'href')).toBe('?filter=active');
    await page.goBack();
    await until(page, () => location.search === '' && document.querySelectorAll('#todos li').length === 2);
    await page.goForward();
    await until(page, () => location.search === '?filter=active' && document.querySelectorAll('#todos li').length === 1);
    // A reload renders the filter from the address (the list is the old tab's instance's, so it is gone).
    await page.reload();
    expect(await page.getAttribute('#filters a[aria-current]', 'href')).toBe('?filter=active');
    // An unknown filter in the address is `all`.
    await page.goto(suite.server.url + '/todo?filter=%3Cscript%3E');
    expect(await page.getAttribute('#filters a[aria-current]', 'href')).toBe('?filter=all');
  });
});

describe('background job example', () => {
  it('shows progress, answers clicks meanwhile, finishes, and can be cancelled', async () => {
    const page = await open('/job');
    await page.click('#start');
    await until(page, () => document.getElementById('status')!.textContent === 'running');
    await page.click('#click');
    await until(page, () => document.getElementById('clicks')!.textContent === '1');
    // The click was answered while the job was still under way.
    const mid = Number((await page.getAttribute('#progress', 'value')) ?? 0);
    expect(mid).toBeLessThan(100);
    expect(await page.getAttribute('#job', 'class')).toBe('pb-loading');
    await until(page, () => document.getElementById('status')!.textContent === 'finished');
    expect(await page.getAttribute('#progress', 'value')).toBe('100');
    expect(await page.getAttribute('#job', 'style')).toBe('--pb-progress: 100%');

    await page.click('#start');
    await until(page, () => Number(document.getElementById('progress')!.getAttribute('value')) >= 10);
    await page.click('#cancel');
    await until(page, () => document.getElementById('status')!.textContent === 'cancelled');
    const stopped = await page.getAttribute('#progress', 'value');
    await new Promise((r) => setTimeout(r, 400));
    expect(await page.getAttribute('#progress', 'value')).toBe(stopped);
    expect(Number(stopped)).toBeLessThan(100);
  });
});
