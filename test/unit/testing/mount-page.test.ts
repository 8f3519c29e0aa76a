/**
 * mountPage: a page rendered through a real Fastify app and driven over the real wire protocol,
 * with no browser — events, replies, pushes, state, refused payloads and timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/temp-pages.js';
import { mountPage, PageCallError, type MountedPage } from '../../../src/testing/index.js';

const pagesDir = fixture('testing');
const mounted: MountedPage[] = [];
const mount = async (path: string, opts = {}) => {
  const page = await mountPage(path, { pagesDir, ...opts });
  mounted.push(page);
  return page;
};
afterEach(async () => {
  for (const page of mounted.splice(0)) await page.close();
});

describe('mountPage', () => {
  it('renders the page, answers calls, delivers pushes in order and exposes the state', async () => {
    const page = await mount('/counter');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<p id="count">0</p>');
    expect(await page.call('inc')).toBe(1);
    page.send('inc');
    expect(await page.call('add', { by: 10 })).toBe(12);
    expect([await page.next('count'), await page.next('count'), await page.next('count')]).toEqual([1, 2, 12]);
    expect(page.state).toEqual({ count: 12 });
    expect(page.client.report()).toMatchObject({ sent: 3, ok: true });
  });

  it('a payload its schema refuses gets PB_ERR_EVENT_INVALID, never reaches the handler, and is not echoed', async () => {
    expect.assertions(5);
    const page = await mount('/counter');
    try {
      await page.call('add', { by: '<img src=x onerror=alert(1)>' });
    } catch (err) {
      expect(err).toBeInstanceOf(PageCallError);
      expect((err as PageCallError).code).toBe('PB_ERR_EVENT_INVALID');
      expect((err as PageCallError).message).not.toContain('img');
    }
    await expect(page.call('add', { by: 1000 })).rejects.toMatchObject({ code: 'PB_ERR_EVENT_INVALID' });
    expect(page.state).toEqual({ count: 0 });
  });

  it('an undeclared event is refused with PB_ERR_EVENT_UNKNOWN', async () => {
    const page = await mount('/counter');
    await expect(page.call('reset')).rejects.toMatchObject({ code: 'PB_ERR_EVENT_UNKNOWN' });
  });

  it('advances the page\'s timers with fake timers: ten ticks in ten seconds, and a push a minute later', async () => {
    const page = await mount('/clock', { fakeTimers: true });
    expect(page.pushes).toEqual([]);
    await page.advance(10_000);
    await page.client.until(() => page.client.pushed('tick').length === 10);
    expect(page.client.pushed('tick')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.client.pushed('late')).toEqual([]);
    await page.advance(50_000);
    expect(await page.next('late')).toBe('a minute later');
    expect(page.state).toEqual({ ticks: 60 });
  });

  it('a page without an instance renders, and sending to it says why it cannot', async () => {
    const page = await mount('/plain?name=%3Cb%3E');
    expect(page.html).toContain('Plain &lt;b&gt;');
    expect(page.id).toBeUndefined();
    expect(() => page.send('x')).toThrow(/keeps no page instance/);
  });

  it('records the keyed-list operations a page sends, once each, after the items of its first rendering', async () => {
    const page = await mount('/feed', { pagesDir: fixture('lists') });
    expect(page.html).toContain('<ul id="items" data-pb-list="items" class="note-start"><li id="z">');
    await page.call('append', [{ id: 'c', text: '<C>' }]);
    await page.call('remove', ['z']);
    expect(page.listOps).toEqual([['items', ['a', '<li id="c"><span>&lt;C&gt;</span> <input class="edit"></li>']], ['items', ['d', 'z']]]);
  });
});
