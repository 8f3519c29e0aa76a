/**
 * Server-driven redraws in Chromium: what the user is doing survives a burst of morphs, a redraw
 * missed while offline arrives once on resume, and a one-row change sends only that row.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from './suite.js';
import { fixture } from '../helpers/temp-pages.js';

// Short heartbeats: an offline browser is noticed in about a second.
const suite = browserSuite({ pagesDir: fixture('redraw'), dev: false, heartbeatMs: 300, heartbeatTimeoutMs: 900, retainMs: 20_000 });

/** A connected tab at `url` that counts the redraws it applies in `window.redraws`. */
async function open(url: string): Promise<Page> {
  const page = await suite.open(url);
  await page.evaluate(() => {
    (window as any).redraws = 0;
    document.addEventListener('pb:redraw', () => (window as any).redraws++);
  });
  return page;
}

const send = (page: Page, name: string, data: unknown) =>
  page.evaluate(([n, d]) => (document as any).serverSocket.call(n, d), [name, data] as const);

describe('redraws in Chromium', () => {
  it('typing while the server pushes 20 redraws keeps focus, caret, selection, the typed text, open details and scroll', async () => {
    const page = await open('/ticker');
    await page.click('#more summary');
    await page.evaluate(() => { document.getElementById('pane')!.scrollTop = 250; });
    await page.click('#field');
    const field = await page.$('#field');
    await send(page, 'start', { times: 20, ms: 40 });
    await page.keyboard.type('hello world', { delay: 35 });
    // The caret moves back into the middle and the user keeps typing there.
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('big ', { delay: 35 });
    await page.waitForFunction(() => document.getElementById('n')!.textContent === '20', null, { polling: 20, timeout: 10_000 });
    const seen = await page.evaluate(() => {
      const el = document.getElementById('field') as HTMLInputElement;
      return {
        redraws: (window as any).redraws,
        active: document.activeElement?.id,
        value: el.value,
        caret: [el.selectionStart, el.selectionEnd],
        open: (document.getElementById('more') as HTMLDetailsElement).open,
        details: document.querySelector('#more p')!.textContent,
        scrollTop: document.getElementById('pane')!.scrollTop,
        heading: document.querySelector('h1')!.className,
      };
    });
    expect(seen).toEqual({
      redraws: 20, active: 'field', value: 'hello big world', caret: [10, 10], open: true,
      details: 'Details at tick 20', scrollTop: 250, heading: 'tick-20',
    });
    // The same element, not a rebuilt one.
    expect(await field!.evaluate((el) => el === document.getElementById('field'))).toBe(true);

    // A selection the user made stays selected through more redraws.
    await page.click('#area');
    await page.keyboard.type('some notes');
    await page.evaluate(() => (document.getElementById('area') as HTMLTextAreaElement).setSelectionRange(2, 7));
    await send(page, 'start', { times: 25, ms: 20 });
    await page.waitForFunction(() => document.getElementById('n')!.textContent === '25', null, { polling: 20 });
    expect(await page.evaluate(() => {
      const a = document.getElementById('area') as HTMLTextAreaElement;
      return [document.activeElement?.id, a.value, a.selectionStart, a.selectionEnd, (document.getElementById('field') as HTMLInputElement).value];
    })).toEqual(['area', 'some notes', 2, 7, 'hello big world']);
  });

  it('a redraw made while the browser is offline arrives once, on resume', async () => {
    const page = await open('/ticker');
    const id = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
    const instance = suite.server.app.pagebound.registry.get(id)!;
    await suite.context.setOffline(true);
    await expect.poll(() => instance.lifecycle, { timeout: 5000 }).toBe('disconnected');
    // Three changes while away, each in the page's mailbox as a timer would make them.
    for (const note of ['first', 'second', 'changed while away']) {
      instance.setTimeout(() => { (instance.state as { note: string }).note = note; }, 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await page.textContent('#note')).toBe('');
    await suite.context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('note')!.textContent === 'changed while away', null, { polling: 50, timeout: 15_000 });
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => (window as any).redraws)).toBe(1);
  });

  it('a one-row change of a 100-row table sends that row only (prints the bytes)', async () => {
    const w = await suite.tab();
    const frames: string[] = [];
    w.page.on('websocket', (ws) => ws.on('framereceived', (f) => { if (typeof f.payload === 'string') frames.push(f.payload); }));
    const response = await w.page.goto(suite.server.url + '/table');
    const full = (await response!.body()).length;
    await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
    const row = await w.page.$('#row-42');
    await w.page.click('#row-42 button');
    await w.page.waitForFunction(() => document.querySelector('#row-42 .qty')!.textContent === '127', null, { polling: 20 });
    const dom = frames.filter((f) => f.includes('"t":"dom"'));
    expect(dom).toHaveLength(1);
    expect(JSON.parse(dom[0]!).r.map(([n]: [string]) => n)).toEqual(['row-42']);
    const bytes = Buffer.byteLength(dom[0]!);
    console.log(`redraw on the wire (Chromium, WebSocket): one row of 100 changed: ${bytes} B vs ${full} B full page (${(100 * bytes / full).toFixed(2)} %)`);
    expect(bytes / full).toBeLessThan(0.05);
    expect(await row!.evaluate((el) => el === document.getElementById('row-42'))).toBe(true);
  });

  it('a client: true page shows its own socket\'s state with pb-connected and pb-reconnecting', async () => {
    const { page } = await suite.tab();
    await page.goto(suite.server.url + '/client-only');
    const has = (cls: string) => page.waitForFunction((c) => document.documentElement.classList.contains(c), cls, { polling: 50, timeout: 10_000 });
    await has('pb-connected');
    expect(await page.evaluate(() => (window as any).echo.call('ping'))).toBe('pong');
    await suite.context.setOffline(true);
    await has('pb-reconnecting');
    expect(await page.textContent('#pb-status-default')).toBe('Reconnecting…');
    await suite.context.setOffline(false);
    await has('pb-connected');
    expect(await page.isVisible('#pb-status-default')).toBe(false);
  });

  it('live forms: dirty class, disable-with while pending, reset on success, errors by redraw, opt-out, confirm', async () => {
    const page = await open('/form');
    const classes = () => page.evaluate(() => [document.getElementById('title')!.className, document.getElementById('f')!.className]);
    await page.fill('#title', 'ab');
    expect(await classes()).toEqual(['pb-dirty', 'pb-dirty']);
    await page.click('#go');
    expect(await page.evaluate(() => [(document.getElementById('go') as HTMLButtonElement).disabled, document.getElementById('go')!.textContent])).toEqual([true, 'Saving…']);
    await page.waitForSelector('#error');
    expect(await page.textContent('#error')).toBe('At least 3 characters.');
    // A failed handler leaves what was typed, to correct it; the button comes back.
    expect(await page.inputValue('#title')).toBe('ab');
    await page.waitForFunction(() => !(document.getElementById('go') as HTMLButtonElement).disabled, null, { polling: 20 });
    expect(await page.textContent('#go')).toBe('Save');
    expect(await classes()).toEqual(['pb-dirty', 'pb-dirty']);

    await page.fill('#title', 'abc');
    await page.press('#title', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#saved li').length === 1 && !document.getElementById('error'), null, { polling: 20 });
    await page.waitForFunction(() => (document.getElementById('title') as HTMLInputElement).value === '', null, { polling: 20 });
    expect(await classes()).toEqual(['', '']);

    await page.fill('#keep', 'stays');
    await page.click('#keep-go');
    await page.waitForFunction(() => document.getElementById('kept')!.textContent === 'stays', null, { polling: 20 });
    expect(await page.inputValue('#keep')).toBe('stays');

    const answers = [false, true];
    const asked: string[] = [];
    page.on('dialog', (d) => { asked.push(d.message()); void (answers.shift() ? d.accept() : d.dismiss()); });
    await page.click('#wipe');
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.locator('#saved li').count()).toBe(1);
    await page.click('#wipe');
    await page.waitForFunction(() => document.querySelectorAll('#saved li').length === 0, null, { polling: 20 });
    expect(asked).toEqual(['Delete everything?', 'Delete everything?']);
  });

  it('redraw: false leaves updates to the page\'s own script, which page.emit() still feeds', async () => {
    const page = await open('/own-script');
    await page.evaluate(() => (document as any).serverSocket.call('inc'));
    await page.waitForFunction(() => document.getElementById('n')!.textContent === 'pushed 1', null, { polling: 20 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.evaluate(() => [(window as any).redraws, document.getElementById('n')!.textContent])).toEqual([0, 'pushed 1']);
  });
});
