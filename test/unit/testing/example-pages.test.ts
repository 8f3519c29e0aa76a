/**
 * The example site tested the way docs/testing.md tells authors to: the counter and the todo list
 * mounted in-process, and two chat tabs through a connection that drops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { REPO } from '../../helpers/temp-pages.js';
import {
  mountPage, pageMatchers, startFaultProxy, startPageServer, type FaultProxy, type PageServer,
} from '../../../src/testing/index.js';

expect.extend(pageMatchers);
const pagesDir = path.join(REPO, 'pages');

describe('pages/counter', () => {
  it('counts on the server, pushes each count, and keeps it in page.state', async () => {
    const page = await mountPage('/counter', { pagesDir });
    try {
      expect(page.html).toContain('<output id="count">0</output>');
      expect(await page.call('inc')).toBe(1);
      expect(await page.call('inc')).toBe(2);
      expect([await page.next('count'), await page.next('count')]).toEqual([1, 2]);
      expect(page.state).toEqual({ count: 2 });
    } finally {
      await page.close();
    }
  });
});

describe('pages/todo', () => {
  it('keeps its durable state under the limit: a todo that would not fit is refused with a message, and the page goes on', async () => {
    const page = await mountPage('/todo', { pagesDir });
    try {
      // 200 three-byte characters: the 200 todos the page allows would not fit in 64 KiB.
      const long = '€'.repeat(200);
      let added = 0;
      let refusal: unknown;
      while (added <= 200 && refusal === undefined) {
        await page.call('add', { title: long }).then(() => added++, (err: unknown) => (refusal = err));
      }
      expect(refusal).toMatchObject({ message: 'The list is full: remove some todos first.' });
      expect(added).toBeGreaterThan(50);
      expect(added).toBeLessThan(200);
      const state = () => page.state as { todos: Array<{ id: number }>; error: string };
      expect(state().todos).toHaveLength(added);
      expect(state().error).toBe('The list is full: remove some todos first.');
      // Still open and committing: removing one makes room for one more.
      await page.call('remove', { id: 1 });
      await page.call('add', { title: long });
      expect(state().todos).toHaveLength(added);
      expect(state().error).toBe('');
    } finally {
      await page.close();
    }
  });
});

describe('pages/chat/[room]', () => {
  let server: PageServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startPageServer({ pagesDir });
    proxy = await startFaultProxy(server.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('a message said in one tab reaches the other once, across a dropped connection; bad data is refused', async () => {
    const alice = await server.open('/chat/kit', { via: proxy.url });
    const bob = await server.open('/chat/kit');
    await alice.call('say', { text: 'one' });
    proxy.cutAll();
    alice.send('say', { text: '  two  ' });
    await expect(alice.call('say', { text: '' })).rejects.toMatchObject({ code: 'PB_ERR_EVENT_INVALID' });
    await alice.settled();
    // Bob's log is a keyed list: each message arrives once, as its own item's markup.
    const said = () => bob.listOps.map(([list, [op, html]]) => `${list} ${op} ${/>([^<]*)</.exec(String(html))?.[1]}`);
    await expect.poll(said).toEqual(['messages a one', 'messages a two']);
    expect(server.stateOf(bob.rendered.id!)).toEqual({ room: 'kit' });
    expect(alice).toHaveHandledEachEventOnce();
    expect(alice.connects).toBeGreaterThanOrEqual(2);
  });
});
