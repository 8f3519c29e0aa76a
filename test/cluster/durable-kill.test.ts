/**
 * Durable pages surviving the loss of their node, with real processes: redis-server, three
 * `pagebound start` nodes and haproxy running the shipped config. At the scale of issue #10 — 16
 * WebSocket clients, 8 HTTP-transport clients and a Chromium tab, all on durable pages held by one
 * node — streaming events; that node is killed with SIGKILL in the middle of the stream. Every
 * client resumes on another node — no `expired`, no reload (the tab's `window` keeps a marker) — with
 * its state, and every event is taken once and answered once, in order, on both sides.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive } from '../helpers/live-client.js';
import { clusterSuite } from '../helpers/cluster-suite.js';
import { ResumingClient, type TransportKind } from '../helpers/resuming-client.js';
import { expectTabKept, openStreamingTab } from '../helpers/streaming-tab.js';

const EVENTS = 60;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const suite = clusterSuite(fixture('durable'), { browser: true });

describe('durable pages when their node is killed', () => {
  it('16 WebSocket clients, 8 HTTP clients and a Chromium tab resume on other nodes with their state, 0 events lost or doubled either way, no reload', async () => {
    // The tab lands where the balancer puts it; its node is the one to kill.
    const tab = await openStreamingTab(suite.browser, suite.cluster.haproxy.url + '/counter');
    const victim = suite.cluster.nodeOf(tab.id);
    const kinds: TransportKind[] = [...Array(16).fill('ws'), ...Array(8).fill('http')];
    // Rendered on the victim directly, then connected through the balancer, which routes by the id's node part.
    const clients = await Promise.all(kinds.map(async (kind) => {
      const page = await renderLive(victim.url, '/counter');
      expect(suite.cluster.nodeOf(page.id)).toBe(victim);
      const client = new ResumingClient(suite.cluster.haproxy.url, page.id, page.cookie, kind);
      client.start();
      return client;
    }));
    const answers = (c: ResumingClient) => c.received.filter((f) => f.t === 're');

    // The tab streams on its own, a little slower, so it is still sending when the node dies.
    await tab.stream(1, EVENTS, 40);
    let killed = false;
    const streams = clients.map(async (client) => {
      for (let i = 1; i <= EVENTS; i++) {
        client.send('add', { i });
        await new Promise((r) => setTimeout(r, 15));
        // Each client goes on sending while its node is dead: those events wait for the resume.
        if (i === EVENTS / 2 && !killed) {
          await Promise.all([
            ...clients.map((c) => c.until(() => answers(c).length >= 10, 20_000)),
            tab.untilReplies(10, 20_000),
          ]);
          if (!killed) {
            killed = true;
            victim.cli.child.kill('SIGKILL');
          }
        }
      }
    });
    await Promise.all(streams);
    expect(await victim.exited).toBe('SIGKILL');
    // The kill came while the tab still had events to send.
    expect(await tab.sent()).toBeLessThan(EVENTS);
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= EVENTS, 30_000)));

    for (const client of clients) {
      expect(client.expired).toBeUndefined();
      // Each event answered once, in order, with the count it made: none lost, none taken twice.
      expect(answers(client).map((f) => f.re)).toEqual(range(EVENTS));
      expect(answers(client).map((f) => f.d.count)).toEqual(range(EVENTS));
      // Each push arrived once, in order (ResumingClient drops replays and fails on a gap).
      expect(client.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(EVENTS));
      // The last answers came from a node that is still up: the page moved.
      expect(answers(client).at(-1)!.d.node).not.toBe(victim.name);
      expect(client.connects).toBeGreaterThanOrEqual(2);
    }

    // The tab: every call answered once with the count it made, every push once, same document.
    const tabWhere = await expectTabKept(tab, EVENTS);
    expect(tab.events.some((e) => e.type === 'resume')).toBe(true);
    expect(await tab.page.textContent('#count')).toBe(String(EVENTS));
    // The state moved whole, and `mount` ran on the restore (its handler exists, and it counted).
    expect(tabWhere.node).not.toBe(victim.name);
    expect(tabWhere.mounts).toBeGreaterThanOrEqual(2);
    for (const client of clients) {
      client.send('where', null);
      await client.until(() => answers(client).length === EVENTS + 1, 10_000);
      // mount ran again on the restore (more than once if the balancer moved the page twice while
      // it was marking the dead node down: each claim fences the one before, and nothing is lost).
      const where = answers(client).at(-1)!.d;
      expect(where.node).not.toBe(victim.name);
      expect(where.mounts).toBeGreaterThanOrEqual(2);
      client.stop();
    }
    await tab.context.close();
  }, 90_000);

  it('a drained node (SIGTERM) hands its durable pages over: its clients resume on the last node, exactly-once', async () => {
    // The two nodes the first test left: one drains, the other takes its pages.
    const [leaving, last] = [...suite.cluster.nodes.values()].filter((n) => n.cli.child.exitCode === null && n.cli.child.signalCode === null);
    expect(last).toBeDefined();
    const kinds: TransportKind[] = ['ws', 'ws', 'http'];
    const clients = await Promise.all(kinds.map(async (kind) => {
      const page = await renderLive(leaving!.url, '/counter');
      const client = new ResumingClient(suite.cluster.haproxy.url, page.id, page.cookie, kind);
      client.start();
      return client;
    }));
    const answers = (c: ResumingClient) => c.received.filter((f) => f.t === 're');
    let drained = false;
    await Promise.all(clients.map(async (client) => {
      for (let i = 1; i <= EVENTS; i++) {
        client.send('add', { i });
        await new Promise((r) => setTimeout(r, 15));
        if (i === 10 && !drained) {
          drained = true;
          leaving!.cli.child.kill('SIGTERM');
        }
      }
    }));
    expect(await leaving!.exited).toBe(0);
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= EVENTS, 30_000)));
    for (const client of clients) {
      expect(client.expired).toBeUndefined();
      expect(answers(client).map((f) => f.d.count)).toEqual(range(EVENTS));
      expect(client.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(EVENTS));
      // The node is gone now: the page answers from the last node, restored there by mount.
      client.send('where', null);
      await client.until(() => answers(client).length === EVENTS + 1, 15_000);
      expect(answers(client).at(-1)!.d).toEqual({ node: last!.name, mounts: expect.any(Number) });
      expect(client.expired).toBeUndefined();
      client.stop();
    }
  }, 90_000);
});
