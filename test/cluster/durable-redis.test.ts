/**
 * Redis killed (SIGKILL) for 2 s and started again on its port, under durable pages at work: three
 * `pagebound start` nodes, haproxy with the shipped config, WebSocket and HTTP-transport clients on
 * durable chat-room pages spread over every node, and a Chromium tab on a durable counter.
 *
 * What the outage costs, as docs/protocol.md §7.4 and the README say:
 * - Events keep being taken, but no commit can be stored, so their replies, pushes and acks are
 *   held on the node ("commit, then speak"); once Redis is back the newest snapshot is committed and
 *   they all leave — nothing lost, nothing doubled, no reconnect, no reload.
 * - Topic messages published during the outage are dropped (each node re-subscribes by itself).
 * - A page whose node dies *during* the outage cannot be claimed (nothing is readable): its client
 *   is told `expired`. Not exercised here.
 * This Redis keeps an append-only file fsynced on every write, so it comes back with every
 * committed page: a node killed after the outage still hands its pages over, idle ones included.
 * A Redis that saves nothing comes back empty: a busy page writes its record again with its next
 * commit, but an idle page has none until then, so its node's death ends it (`expired`, a reload) —
 * which is what this test sees without `persist` (see the README).
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp-pages.js';
import { clusterSuite } from '../helpers/cluster-suite.js';
import { renderVia } from '../helpers/page-hits.js';
import { renderLive } from '../helpers/live-client.js';
import { ResumingClient, type TransportKind } from '../helpers/resuming-client.js';
import { expectTabKept, openStreamingTab } from '../helpers/streaming-tab.js';

const suite = clusterSuite(fixture('durable'), { browser: true, redis: { persist: true } });

const EVERY_MS = 30;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The answers to `add` events (a `say` is answered with nothing). */
const answers = (c: ResumingClient) => c.received.filter((f) => f.t === 're' && typeof f.d?.count === 'number');
const said = (c: ResumingClient) => c.received.filter((f) => f.t === 'ev' && f.n === 'chat').map((f) => f.d.text as string);

describe('Redis down for 2 s under durable pages', () => {
  it('holds the answers of the outage and gives them once Redis is back (0 lost or doubled); topics resume on every node; the records survive', async () => {
    const { cluster } = suite;
    const base = cluster.haproxy.url;
    // Room pages on every node, alternately on each transport.
    const pages = [];
    for (let i = 0; i < 30 && (pages.length < 9 || new Set(pages.map((p) => cluster.nodeOf(p.id).name)).size < 3); i++) {
      pages.push(await renderVia(base, '/room'));
    }
    expect(new Set(pages.map((p) => cluster.nodeOf(p.id).name)).size).toBe(3);
    const clients = pages.map((p, i) => new ResumingClient(base, p.id, p.cookie, (i % 3 === 2 ? 'http' : 'ws') as TransportKind));
    for (const c of clients) c.start();
    // Idle pages on the node that dies at the end: three events each, then nothing through the
    // outage and after, so nothing of theirs is committed once Redis is back. Only a Redis that kept
    // its data can hand them over then.
    const victim = cluster.nodeOf(clients[0]!.id);
    const idle = await Promise.all((['ws', 'ws', 'http'] as const).map(async (kind) => {
      const page = await renderLive(victim.url, '/counter');
      const c = new ResumingClient(base, page.id, page.cookie, kind);
      c.start();
      for (let i = 1; i <= 3; i++) c.send('add', { i });
      await c.until(() => answers(c).length === 3, 10_000);
      return c;
    }));
    const tab = await openStreamingTab(suite.browser, base + '/counter');
    const connectsBefore = await Promise.all(clients.map(async (c) => {
      await c.until(() => c.connects > 0, 10_000);
      return c.connects;
    }));

    let streaming = true;
    const sent = new Map<ResumingClient, number>(clients.map((c) => [c, 0]));
    const send = (c: ResumingClient) => {
      const i = sent.get(c)! + 1;
      sent.set(c, i);
      c.send('add', { i });
    };
    await tab.stream(1, 1_000_000, EVERY_MS * 2);
    const streams = clients.map(async (c) => {
      while (streaming) {
        send(c);
        await sleep(EVERY_MS);
      }
    });
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= 5, 15_000)));
    await tab.untilReplies(5, 15_000);

    await cluster.redis.kill();
    // What a commit stored just before the kill may still be on its way out; after that, nothing.
    await sleep(200);
    const heldAt = clients.map((c) => answers(c).length);
    const tabHeldAt = (await tab.read()).replies.length;
    clients[0]!.send('say', { text: 'during' });
    await sleep(1800);
    // Events went on arriving and being taken, but no answer left a node: none could be committed.
    expect(clients.map((c) => answers(c).length)).toEqual(heldAt);
    expect((await tab.read()).replies.length).toBe(tabHeldAt);
    expect(clients.every((c) => sent.get(c)! > answers(c).length + 20)).toBe(true);
    await cluster.redis.start();

    await sleep(1000);
    streaming = false;
    await tab.halt();
    await Promise.all(streams);
    for (const c of clients) {
      await c.until(() => answers(c).length >= sent.get(c)!, 20_000);
      const n = sent.get(c)!;
      expect(c.expired).toBeUndefined();
      expect(answers(c).map((f) => f.d.count)).toEqual(range(n));
      expect(c.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(n));
    }
    // The connections rode it out: the outage was the store's, not theirs.
    expect(clients.map((c) => c.connects)).toEqual(connectsBefore);
    const tabLast = await tab.sent();
    await expectTabKept(tab, tabLast);
    expect(tab.events.filter((e) => e.type === 'disconnect')).toEqual([]);

    // Every node subscribes again by itself: speak until every page hears, then all hear one order.
    let k = 0;
    const deadline = Date.now() + 15_000;
    while (!clients.every((c) => said(c).some((t) => t.startsWith('after:')))) {
      if (Date.now() > deadline) throw new Error('topics did not resume after the Redis restart');
      clients[k % clients.length]!.send('say', { text: `after:${k++}` });
      await sleep(200);
    }
    for (let i = 0; i < 10; i++) clients[i % 3]!.send('say', { text: `final:${i}` });
    const finals = (c: ResumingClient) => said(c).filter((t) => t.startsWith('final:'));
    await Promise.all(clients.map((c) => c.until(() => finals(c).length === 10, 10_000)));
    for (const c of clients) {
      expect(finals(c)).toEqual(finals(clients[0]!));
      // Published while Redis was down: dropped, for every page.
      expect(said(c)).not.toContain('during');
    }

    // Redis came back with the records (its append-only file): a node killed now still hands its
    // pages over, with their state, to the nodes left — which subscribe them to the room again.
    victim.cli.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const moved = clients.filter((c) => cluster.nodeOf(c.id) === victim);
    for (const c of moved) for (let j = 0; j < 5; j++) send(c);
    for (const c of moved) {
      const n = sent.get(c)!;
      await c.until(() => answers(c).length >= n, 20_000);
      expect(answers(c).map((f) => f.d.count)).toEqual(range(n));
      expect(answers(c).at(-1)!.d.node).not.toBe(victim.name);
    }
    for (const c of idle) {
      c.send('add', { i: 4 });
      await c.until(() => answers(c).length === 4, 20_000);
      expect(answers(c).map((f) => f.d.count)).toEqual(range(4));
      expect(answers(c).at(-1)!.d.node).not.toBe(victim.name);
      c.stop();
    }
    const speaker = clients.find((c) => cluster.nodeOf(c.id) !== victim)!;
    speaker.send('say', { text: 'moved' });
    await Promise.all(clients.map((c) => c.until(() => said(c).includes('moved'), 10_000)));
    for (const c of clients) {
      expect(c.expired).toBeUndefined();
      c.stop();
    }
    await tab.context.close();
  }, 90_000);
});
