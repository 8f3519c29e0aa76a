/**
 * Keyed lists and lazy regions in Chromium: items added, moved in place, removed and capped by id
 * without the list being sent again; redraws around a list leave its items (and what the user typed
 * in one) alone; operations made while offline arrive once on resume; the title follows the state;
 * a lazy region renders a placeholder marked pb-loading and fills in when its data arrives.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from './suite.js';
import { fixture } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: fixture('lists'), dev: false, heartbeatMs: 300, heartbeatTimeoutMs: 900, retainMs: 20_000 });

const call = (page: Page, name: string, data?: unknown) =>
  page.evaluate(([n, d]) => (document as any).serverSocket.call(n, d), [name, data] as const);
const items = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('#items > li')).map((li) => `${li.id}:${li.querySelector('span')!.textContent}`));
const pageId = (page: Page) => page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);

/** Counts the frames of each type the tab receives over its WebSocket, and their bytes. */
async function countFrames(page: Page): Promise<() => Array<{ t: string; bytes: number }>> {
  const frames: Array<{ t: string; bytes: number }> = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    const text = String(payload);
    frames.push({ t: (JSON.parse(text) as { t: string }).t, bytes: Buffer.byteLength(text) });
  }));
  return () => frames;
}

describe('keyed lists in Chromium', () => {
  it('the first rendering has the items the page added in get; later ones arrive by id, in place, and capped', async () => {
    const { page } = await suite.tab();
    const frames = await countFrames(page);
    await page.goto(suite.server.url + '/feed');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
    expect(await items(page)).toEqual(['z:Z', 'a:A', 'b:B']);

    await call(page, 'append', [{ id: 'c', text: 'C' }]);
    await call(page, 'prepend', [{ id: 'x', text: 'X' }, { id: 'y', text: 'Y' }]);
    // Limit 5: the prepend dropped the last item.
    expect(await items(page)).toEqual(['x:X', 'y:Y', 'z:Z', 'a:A', 'b:B']);
    // An id the list has is redrawn where it is; what the user typed in it stays.
    await page.fill('#a .edit', 'typed');
    const a = await page.$('#a');
    await call(page, 'append', [{ id: 'a', text: 'A2' }]);
    expect(await items(page)).toEqual(['x:X', 'y:Y', 'z:Z', 'a:A2', 'b:B']);
    expect(await a!.evaluate((el) => el === document.getElementById('a'))).toBe(true);
    expect(await page.inputValue('#a .edit')).toBe('typed');
    await call(page, 'remove', ['y', 'nope']);
    await call(page, 'append', [{ id: 'd', text: 'D' }, { id: 'e', text: 'E' }]);
    // Limit 5 after an append: the first ones go.
    expect(await items(page)).toEqual(['z:Z', 'a:A2', 'b:B', 'd:D', 'e:E']);
    await call(page, 'reset', [{ id: 'r', text: 'R' }]);
    expect(await items(page)).toEqual(['r:R']);

    // Each change was one small ls frame: no list was sent again, and no redraw happened.
    const seen = frames();
    expect(seen.filter((f) => f.t === 'dom')).toEqual([]);
    expect(seen.filter((f) => f.t === 'ls').length).toBe(6);
    expect(Math.max(...seen.filter((f) => f.t === 'ls').map((f) => f.bytes))).toBeLessThan(300);
  });

  it('redraws around the list keep its items and the text typed in them; a container brought back gets its items', async () => {
    const page = await suite.open('/feed');
    await page.fill('#b .edit', 'mine');
    await page.focus('#b .edit');
    await call(page, 'note', 'changed');
    await page.waitForFunction(() => document.getElementById('note')!.textContent === 'changed', null, { polling: 50 });
    // The container takes its new attributes; its children are the list's.
    expect(await page.getAttribute('#items', 'class')).toBe('note-changed');
    expect(await items(page)).toEqual(['z:Z', 'a:A', 'b:B']);
    expect(await page.inputValue('#b .edit')).toBe('mine');
    expect(await page.evaluate(() => document.activeElement?.closest('li')?.id)).toBe('b');

    await call(page, 'hide');
    expect(await page.locator('#items').count()).toBe(0);
    // One task shows the container again and resets its items: the redraw goes first, then the items.
    await call(page, 'showWith', { id: 'n', text: 'N' });
    expect(await items(page)).toEqual(['n:N']);
    // An item added by a timer (no event around it) is sent by a task of its own.
    await call(page, 'later', { id: 't', text: 'T' });
    await page.waitForFunction(() => document.querySelectorAll('#items > li').length === 2, null, { polling: 50 });
    expect(await items(page)).toEqual(['n:N', 't:T']);
  });

  it('operations made while the browser is offline arrive once each, in order, on resume', async () => {
    const page = await suite.open('/feed');
    const instance = suite.server.app.pagebound.registry.get(await pageId(page))!;
    await suite.context.setOffline(true);
    await expect.poll(() => instance.lifecycle, { timeout: 5000 }).toBe('disconnected');
    for (const [id, text] of [['c', 'C'], ['d', 'D']]) {
      instance.setTimeout(() => instance.list('items').append({ id, text }), 0);
    }
    instance.setTimeout(() => instance.list('items').remove('z'), 0);
    instance.setTimeout(() => { (instance.state as { note: string }).note = 'away'; }, 0);
    await new Promise((r) => setTimeout(r, 200));
    await page.evaluate(() => {
      (window as any).listOps = 0;
      document.addEventListener('pb:list', () => (window as any).listOps++);
    });
    await suite.context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('note')!.textContent === 'away', null, { polling: 50, timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('#items > li').length === 4, null, { polling: 50, timeout: 10_000 });
    expect(await items(page)).toEqual(['a:A', 'b:B', 'c:C', 'd:D']);
    expect(await page.evaluate(() => (window as any).listOps)).toBe(3);
  });

  it('the title follows the state on a redraw, as text', async () => {
    const page = await suite.open('/feed');
    expect(await page.title()).toBe('Feed');
    await call(page, 'title', 'Inbox (3) <b> & "more"');
    await page.waitForFunction(() => document.title !== 'Feed', null, { polling: 50 });
    expect(await page.title()).toBe('Inbox (3) <b> & "more"');
    expect(await page.locator('b').count()).toBe(0);
  });

  it('an item template with no id is the author\'s error, thrown at the call, and the list is unchanged', async () => {
    const page = await suite.open('/feed');
    await expect(call(page, 'bad')).rejects.toThrow();
    expect(await items(page)).toEqual(['z:Z', 'a:A', 'b:B']);
  });
});

describe('lazy regions in Chromium', () => {
  it('renders a placeholder marked pb-loading, fills in when the data arrives, and shows a failure', async () => {
    const page = await suite.open('/lazy');
    expect(await page.getAttribute('#total', 'class')).toBe('pb-loading');
    expect(await page.textContent('#placeholder')).toBe('Loading…');
    // The page answers while its data loads.
    await page.click('#click');
    await page.waitForFunction(() => document.getElementById('clicks')!.textContent === '1', null, { polling: 50 });
    await call(page, 'release', 42);
    await page.waitForFunction(() => document.getElementById('value')?.textContent === '42', null, { polling: 50 });
    expect(await page.getAttribute('#total', 'class')).toBe('');
    expect(await page.locator('#placeholder').count()).toBe(0);

    // Loading again shows the placeholder again; a failure shows a message that does not leak the error.
    await call(page, 'reload');
    await page.waitForFunction(() => document.getElementById('total')!.classList.contains('pb-loading'), null, { polling: 50 });
    const errors: unknown[] = [];
    await page.exposeFunction('pbError', (e: unknown) => errors.push(e));
    await page.evaluate(() => (document as any).serverSocket.addEventListener('error', (e: any) => (window as any).pbError(e.data?.code)));
    await call(page, 'fail');
    await page.waitForFunction(() => document.getElementById('failed') !== null, null, { polling: 50 });
    expect(await page.textContent('#failed')).toBe('Could not load.');
    expect(await page.getAttribute('#total', 'class')).toBe('');
    await expect.poll(() => errors).toEqual(['PB_ERR_HANDLER']);
  });
});
