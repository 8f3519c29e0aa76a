/**
 * Page instance lifecycle driven by a real browser: call(), handler errors, goodbye on tab close,
 * and retention across a dropped connection.
 */
import { describe, expect, it } from 'vitest';
import type { WatchedPage } from './browser.js';
import { browserSuite } from './suite.js';
import { fixture } from '../helpers/temp-pages.js';

const closed = () => ((globalThis as any).__pbClosed ?? []) as string[];

const suite = browserSuite({ pagesDir: fixture('site'), dev: true, retainMs: 4000, heartbeatMs: 500, heartbeatTimeoutMs: 1500 });

async function open(): Promise<WatchedPage & { id: string }> {
  const w = await suite.tab();
  await w.page.goto(suite.server.url + '/lifecycle');
  await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50 });
  const id = await w.page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
  return { ...w, id };
}

describe('page lifecycle in Chromium', () => {
  it('call() resolves with the handler\'s return value, and the instance is the one that rendered the page', async () => {
    const w = await open();
    expect(await w.page.evaluate(() => (document as any).serverSocket.call('add', { a: 2, b: 40 }))).toBe(42);
    expect(await w.page.evaluate(() => (document as any).serverSocket.call('whoami'))).toBe(w.id);
  });

  it('call() rejects with the error code and message when the handler throws; the page goes on', async () => {
    const w = await open();
    const err = await w.page.evaluate(() => (document as any).serverSocket.call('fail').then(
      () => null, (e: any) => ({ code: e.code, message: e.message })));
    expect(err).toEqual({ code: 'PB_ERR_HANDLER', message: 'handler exploded' });
    const unknown = await w.page.evaluate(() => (document as any).serverSocket.call('nope').catch((e: any) => e.code));
    expect(unknown).toBe('PB_ERR_EVENT_UNKNOWN');
    expect(await w.page.evaluate(() => (document as any).serverSocket.call('add', { a: 1, b: 1 }))).toBe(2);
  });

  it('closing the tab closes its instance at once (onClose runs)', async () => {
    const w = await open();
    expect(closed()).not.toContain(w.id);
    const t0 = Date.now();
    await w.page.close({ runBeforeUnload: true });
    await expect.poll(() => closed().includes(w.id), { timeout: 3000, interval: 20 }).toBe(true);
    // Well inside retainMs (4 s): it was the goodbye, not a timeout.
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(suite.server.app.pagebound.registry.get(w.id)).toBeUndefined();
  });

  it('navigating away closes the instance too', async () => {
    const w = await open();
    await w.page.goto(suite.server.url + '/users/1');
    await expect.poll(() => closed().includes(w.id), { timeout: 3000, interval: 20 }).toBe(true);
  });

  it('a dropped connection keeps the instance for retainMs and the page re-attaches to it', async () => {
    const w = await open();
    const instance = suite.server.app.pagebound.registry.get(w.id)!;
    await suite.context.setOffline(true);
    await expect.poll(() => instance.lifecycle, { timeout: 5000 }).toBe('disconnected');
    await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-reconnecting'), null, { polling: 50 });
    // A page whose layout has no #pb-status gets the runtime's own unobtrusive badge.
    expect(await w.page.isVisible('#pb-status-default')).toBe(true);
    expect(await w.page.textContent('#pb-status-default')).toBe('Reconnecting…');
    await new Promise((r) => setTimeout(r, 1000));
    expect(instance.closed).toBe(false);
    await suite.context.setOffline(false);
    await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });
    expect(instance.lifecycle).toBe('connected');
    expect(await w.page.isVisible('#pb-status-default')).toBe(false);
    expect(await w.page.evaluate(() => (document as any).serverSocket.call('whoami'))).toBe(w.id);
  });

  it('a dropped connection that never comes back closes after retainMs', async () => {
    const w = await open();
    const instance = suite.server.app.pagebound.registry.get(w.id)!;
    await suite.context.setOffline(true);
    await expect.poll(() => instance.lifecycle, { timeout: 5000 }).toBe('disconnected');
    await expect.poll(() => instance.closed, { timeout: 8000, interval: 100 }).toBe(true);
    expect(closed()).toContain(w.id);
  });
});
