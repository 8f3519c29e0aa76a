/**
 * A rolling restart under traffic, with real processes: redis-server, three `pagebound start`
 * nodes and haproxy running the shipped config. 16 WebSocket clients, 8 HTTP-transport clients and
 * a Chromium tab on durable pages keep sending events while each node in turn is drained (SIGTERM),
 * exits, is started again on its port and counted up by haproxy — as a deploy does. Every page
 * moves at least once (its node restarts under it), some twice or three times; every client keeps
 * its state, no event is lost or taken twice either way, nobody is told `expired`, the tab never
 * reloads.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive } from '../helpers/live-client.js';
import { clusterSuite } from '../helpers/cluster-suite.js';
import { ResumingClient, type TransportKind } from '../helpers/resuming-client.js';
import { expectTabKept, openStreamingTab } from '../helpers/streaming-tab.js';

/** Pause between two events of one client, ms. */
const EVERY_MS = 100;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const suite = clusterSuite(fixture('durable'), { browser: true });

describe('a rolling restart of every node', () => {
  it('under traffic from 16 WebSocket clients, 8 HTTP clients and a Chromium tab: all resume with their state, 0 lost or doubled, no reload', async () => {
    const base = suite.cluster.haproxy.url;
    const tab = await openStreamingTab(suite.browser, base + '/counter');
    const kinds: TransportKind[] = [...Array(16).fill('ws'), ...Array(8).fill('http')];
    // Rendered through the balancer, which spreads them over the nodes.
    const clients = await Promise.all(kinds.map(async (kind) => {
      const page = await renderLive(base, '/counter');
      const client = new ResumingClient(base, page.id, page.cookie, kind);
      client.start();
      return client;
    }));
    const holders = new Set([tab.id, ...clients.map((c) => c.id)].map((id) => suite.cluster.nodeOf(id).name));
    expect(holders.size).toBeGreaterThanOrEqual(2);
    const answers = (c: ResumingClient) => c.received.filter((f) => f.t === 're');

    let rolling = true;
    const sent = new Map<ResumingClient, number>(clients.map((c) => [c, 0]));
    await tab.stream(1, 1_000_000, EVERY_MS);
    const streams = clients.map(async (client) => {
      while (rolling) {
        const i = sent.get(client)! + 1;
        sent.set(client, i);
        client.send('add', { i });
        await new Promise((r) => setTimeout(r, EVERY_MS));
      }
    });
    const failure = Promise.race(clients.map((c) => c.until(() => false, 600_000).catch((err: Error) => err)));
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= 5, 20_000)));

    for (const name of ['a', 'b', 'c']) {
      const node = suite.cluster.nodes.get(name)!;
      node.cli.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
      await suite.cluster.restart(name);
      // Some traffic on the new set before the next node goes.
      await new Promise((r) => setTimeout(r, 500));
    }
    rolling = false;
    await tab.halt();
    await Promise.all(streams);
    // No client was told its page expired while the nodes came and went.
    expect(await Promise.race([failure, 'none'])).toBe('none');

    const done = (c: ResumingClient) => answers(c).length >= sent.get(c)!;
    await Promise.all(clients.map((c) => c.until(() => done(c), 30_000)));
    for (const client of clients) {
      const n = sent.get(client)!;
      expect(client.expired).toBeUndefined();
      expect(answers(client).map((f) => f.re)).toEqual(range(n));
      expect(answers(client).map((f) => f.d.count)).toEqual(range(n));
      expect(client.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(n));
      // Its node restarted under it at least once: it reconnected and was restored by mount.
      expect(client.connects).toBeGreaterThanOrEqual(2);
      client.send('where', null);
      await client.until(() => answers(client).length === n + 1, 10_000);
      expect(answers(client).at(-1)!.d.mounts).toBeGreaterThanOrEqual(2);
      client.stop();
    }

    const last = await tab.sent();
    expect(last).toBeGreaterThan(30);
    const where = await expectTabKept(tab, last);
    expect(tab.events.filter((e) => e.type === 'resume').length).toBeGreaterThanOrEqual(1);
    expect(where.mounts).toBeGreaterThanOrEqual(2);
    await tab.context.close();
  }, 120_000);
});
