/**
 * Live forms in the example pages, in Chromium: the contact form (pages/contact) validates each field
 * as the user types (debounced `data-on-input`, the error rendered next to the field by the redraw)
 * without disturbing the typing, and a handler's `page.flash()` shows once in the layout — as does
 * `ctx.flash()` across the Post/Redirect/Get of the same form without JavaScript.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });

const until = (page: Page, fn: () => boolean) => page.waitForFunction(fn, null, { polling: 20, timeout: 10_000 });
const NAME = '#contact input[name=name]';
const MESSAGE = '#contact textarea[name=message]';
/** The `check` events the tab sent over its WebSocket. */
function countChecks(page: Page): { readonly sent: number } {
  const counter = { sent: 0 };
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    if (typeof payload === 'string' && payload.includes('"check"')) counter.sent++;
  }));
  return counter;
}
/** What the user is typing in, and where the caret is. */
const typing = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLInputElement | HTMLTextAreaElement;
  return { name: el.getAttribute('name'), value: el.value, caret: el.selectionStart, end: el.selectionEnd };
});

describe('contact example: validate as you type, flash once', () => {
  it('shows and clears a field\'s error while the user types, keeping focus, caret and text; the debounce sends fewer events than keys', async () => {
    const { page } = await suite.tab();
    const checks = countChecks(page);
    await page.goto(suite.server.url + '/contact');
    await until(page, () => document.documentElement.classList.contains('pb-connected'));
    expect(await page.locator('main script').count()).toBe(0);

    await page.click(NAME);
    await page.keyboard.type('Ann', { delay: 40 });
    await page.click(MESSAGE);
    await page.keyboard.type('Hi', { delay: 40 });
    await until(page, () => document.getElementById('message-error')!.textContent === 'The message needs at least 5 characters.');
    expect(await page.getAttribute(MESSAGE, 'aria-invalid')).toBe('true');
    // The redraw that brought the error left the textarea as the user has it.
    expect(await typing(page)).toEqual({ name: 'message', value: 'Hi', caret: 2, end: 2 });
    expect(await page.textContent('#name-error')).toBe('');

    await page.keyboard.type(' there', { delay: 40 });
    await until(page, () => document.getElementById('message-error')!.textContent === '');
    expect(await page.getAttribute(MESSAGE, 'aria-invalid')).toBeNull();
    expect(await typing(page)).toEqual({ name: 'message', value: 'Hi there', caret: 8, end: 8 });

    // Emptying the name shows its error, and typing it again clears it.
    await page.click(NAME);
    await page.keyboard.press('End');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace', { delay: 40 });
    await until(page, () => document.getElementById('name-error')!.textContent === 'Please give your name.');
    expect(await typing(page)).toEqual({ name: 'name', value: '', caret: 0, end: 0 });
    await page.keyboard.type('Bo', { delay: 40 });
    await until(page, () => document.getElementById('name-error')!.textContent === '');
    expect(await typing(page)).toEqual({ name: 'name', value: 'Bo', caret: 2, end: 2 });

    // 3 + 2 + 6 + 3 + 2 keys; each burst faster than the debounce is one event.
    const keys = 16;
    expect(checks.sent).toBeGreaterThanOrEqual(4);
    expect(checks.sent).toBeLessThan(keys / 2);
  });

  it('a successful send flashes its message once (escaped) and resets the form; a refused one keeps the form with its errors', async () => {
    const page = await suite.open('/contact');
    await page.click('#contact button[type=submit]');
    await until(page, () => document.getElementById('name-error')!.textContent === 'Please give your name.'
      && document.getElementById('message-error')!.textContent === 'The message needs at least 5 characters.');
    expect(await page.locator('#flash .flash').count()).toBe(0);

    await page.fill(NAME, '<i>Ann</i>');
    await page.fill(MESSAGE, 'Hello there');
    await page.click('#contact button[type=submit]');
    await until(page, () => document.querySelector('#flash .flash')?.textContent === 'Thank you, <i>Ann</i>. Your message was received.');
    expect(await page.locator('#flash i').count()).toBe(0);
    expect(await page.inputValue(NAME)).toBe('');
    expect(await page.inputValue(MESSAGE)).toBe('');
    expect(await page.textContent('#name-error')).toBe('');

    // The next redraw (a field checked as the user types) renders without it.
    await page.click(NAME);
    await page.keyboard.type('Bo');
    await until(page, () => document.querySelector('#flash .flash') === null);
    expect(await page.inputValue(NAME)).toBe('Bo');
  });

  it('without JavaScript the form posts, redirects and shows the same flash once; errors render with the form', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false });
    try {
      const { page } = await suite.tab(context);
      await page.goto(suite.server.url + '/contact');
      await page.click('#contact button[type=submit]');
      await page.waitForLoadState();
      expect(await page.textContent('#name-error')).toBe('Please give your name.');

      await page.fill(NAME, 'Ann');
      await page.fill(MESSAGE, 'Hello there');
      await page.click('#contact button[type=submit]');
      await page.waitForURL(suite.server.url + '/contact');
      expect(await page.textContent('#flash .flash')).toBe('Thank you, Ann. Your message was received.');
      await page.reload();
      expect(await page.locator('#flash .flash').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('todo\'s "Clear done" flashes how many it cleared, until the next change', async () => {
    const page = await suite.open('/todo');
    for (const title of ['milk', 'tea']) {
      const before = await page.locator('#todos li').count();
      await page.fill('#new-title', title);
      await page.press('#new-title', 'Enter');
      await page.waitForFunction((n) => document.querySelectorAll('#todos li').length === n, before + 1, { polling: 20 });
    }
    await page.check('#todo-1 .toggle');
    await until(page, () => !document.getElementById('clear')!.hidden);
    await page.click('#clear');
    await until(page, () => document.querySelector('#flash .flash')?.textContent === 'Cleared 1 done todo.');
    await page.check('#todo-2 .toggle');
    await until(page, () => document.querySelector('#flash .flash') === null);
  });
});
