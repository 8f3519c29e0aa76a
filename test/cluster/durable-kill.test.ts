/**
 * Durable pages surviving the loss of their node, with real processes: redis-server, three
 * `pagebound start` nodes and haproxy running the shipped config. Several WebSocket and HTTP
 * clients stream events at durable pages held by one node; that node is killed with SIGKILL in the
 * middle of the stream. Every client resumes on another node — no `expired`, no reload — with its
 * state, and every event is taken once and answered once, in order, on both sides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive } from '../helpers/live-client.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { ResumingClient, type TransportKind } from '../helpers/resuming-client.js';

const EVENTS = 60;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(fixture('durable'));
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('durable pages when their node is killed', () => {
  it('every WebSocket and HTTP client resumes on another node with its state, 0 events lost or doubled either way', async () => {
    const victim = cluster.nodes.get('a')!;
    const kinds: TransportKind[] = ['ws', 'ws', 'ws', 'ws', 'http', 'http', 'http'];
    // Rendered on the victim directly, then connected through the balancer, which routes by the id's node part.
    const clients = await Promise.all(kinds.map(async (kind) => {
      const page = await renderLive(victim.url, '/counter');
      expect(cluster.nodeOf(page.id).name).toBe('a');
      const client = new ResumingClient(cluster.haproxy.url, page.id, page.cookie, kind);
      client.start();
      return client;
    }));
    const answers = (c: ResumingClient) => c.received.filter((f) => f.t === 're');

    let killed = false;
    const streams = clients.map(async (client) => {
      for (let i = 1; i <= EVENTS; i++) {
        client.send('add', { i });
        await new Promise((r) => setTimeout(r, 15));
        // Each client goes on sending while its node is dead: those events wait for the resume.
        if (i === EVENTS / 2 && !killed) {
          await Promise.all(clients.map((c) => c.until(() => answers(c).length >= 10, 20_000)));
          if (!killed) {
            killed = true;
            victim.cli.child.kill('SIGKILL');
          }
        }
      }
    });
    await Promise.all(streams);
    expect(await victim.exited).toBe('SIGKILL');
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= EVENTS, 30_000)));

    for (const client of clients) {
      expect(client.expired).toBeUndefined();
      // Each event answered once, in order, with the count it made: none lost, none taken twice.
      expect(answers(client).map((f) => f.re)).toEqual(range(EVENTS));
      expect(answers(client).map((f) => f.d.count)).toEqual(range(EVENTS));
      // Each push arrived once, in order (ResumingClient drops replays and fails on a gap).
      expect(client.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(EVENTS));
      // The last answers came from a node that is still up: the page moved.
      const last = answers(client).at(-1)!.d.node;
      expect(['b', 'c']).toContain(last);
      expect(client.connects).toBeGreaterThanOrEqual(2);
    }

    // The state moved whole, and `mount` ran on the restore (its handler exists, and it counted).
    for (const client of clients) {
      client.send('where', null);
      await client.until(() => answers(client).length === EVENTS + 1, 10_000);
      // mount ran again on the restore (more than once if the balancer moved the page twice while
      // it was marking the dead node down: each claim fences the one before, and nothing is lost).
      const where = answers(client).at(-1)!.d;
      expect(where.node).toMatch(/^[bc]$/);
      expect(where.mounts).toBeGreaterThanOrEqual(2);
      client.stop();
    }
  }, 90_000);

  it('a drained node (SIGTERM) hands its durable pages over: its clients resume on the last node, exactly-once', async () => {
    const leaving = cluster.nodes.get('b')!;
    const kinds: TransportKind[] = ['ws', 'ws', 'http'];
    const clients = await Promise.all(kinds.map(async (kind) => {
      const page = await renderLive(leaving.url, '/counter');
      const client = new ResumingClient(cluster.haproxy.url, page.id, page.cookie, kind);
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
          leaving.cli.child.kill('SIGTERM');
        }
      }
    }));
    expect(await leaving.exited).toBe(0);
    await Promise.all(clients.map((c) => c.until(() => answers(c).length >= EVENTS, 30_000)));
    for (const client of clients) {
      expect(client.expired).toBeUndefined();
      expect(answers(client).map((f) => f.d.count)).toEqual(range(EVENTS));
      expect(client.received.filter((f) => f.t === 'ev' && f.n === 'count').map((f) => f.d)).toEqual(range(EVENTS));
      // The node is gone now: the page answers from the last node, restored there by mount.
      client.send('where', null);
      await client.until(() => answers(client).length === EVENTS + 1, 15_000);
      expect(answers(client).at(-1)!.d).toEqual({ node: 'c', mounts: expect.any(Number) });
      expect(client.expired).toBeUndefined();
      client.stop();
    }
  }, 90_000);
});
