/**
 * Three real `pagebound start` nodes behind the real haproxy running the shipped config, sharing a
 * real redis-server. A live page's WebSocket and HTTP-transport connections, and its goodbye beacon,
 * reach the node that rendered it, every time; a chat across nodes arrives in one order everywhere;
 * topics resume after Redis is killed and restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResumingClient } from '../helpers/resuming-client.js';
import { WsClient } from '../helpers/live-client.js';
import { fixture } from '../helpers/temp-pages.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { expectEachNodeServedItsOwn, hitRounds, renderVia, type Rendered } from '../helpers/page-hits.js';

let cluster: TestCluster;
let base: string;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(fixture('scale'));
  base = cluster.haproxy.url;
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.stop();
  await cluster?.stop();
});

const render = (path: string) => renderVia(base, path);

describe('routing by the node in the page id', () => {
  it('sends every WebSocket and HTTP-transport connection of a page to the node that rendered it', async () => {
    const pages = await Promise.all(Array.from({ length: 6 }, () => render('/node')));
    // leastconn spreads the renders; the test needs pages on more than one node to mean anything.
    expect(new Set(pages.map((p) => cluster.nodeOf(p.id).name)).size).toBeGreaterThanOrEqual(2);

    expectEachNodeServedItsOwn(await hitRounds(base, pages, 3));
  });

  it('routes the goodbye beacon by its body: the page closes on its own node', async () => {
    const page = await render('/node');
    const bye = await fetch(base + '/_pagebound/bye', {
      method: 'POST', headers: { 'content-type': 'text/plain', cookie: page.cookie, origin: base }, body: page.id,
    });
    expect(bye.status).toBe(204);
    const c = new WsClient(base, page.id, { cookie: page.cookie, origin: base });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    const closed = await c.done;
    // Its node no longer knows it. Had the beacon gone to another node, this would be a welcome.
    expect(c.frames).toEqual([{ t: 'expired', reason: 'unknown' }]);
    expect(closed.code).toBe(4410);
  });

  it('keeps the health endpoint for the balancer: 404 to visitors, 200 on the node', async () => {
    expect((await fetch(base + '/_pagebound/health')).status).toBe(404);
    expect((await fetch(cluster.nodes.get('a')!.url + '/_pagebound/health')).status).toBe(200);
  });

  it('sends a page id naming no known node to a healthy node, which answers expired', async () => {
    const page = await render('/node');
    const forged = 'zz.' + page.id.split('.')[1];
    const c = new WsClient(base, forged, { cookie: page.cookie, origin: base });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    expect((await c.done).code).toBe(4410);
    expect(c.frames).toEqual([{ t: 'expired', reason: 'unknown' }]);
  });
});

describe('topics across nodes on Redis', () => {
  let chat: ResumingClient[] = [];
  const said = (c: ResumingClient) => c.received.filter((f) => f.t === 'ev' && f.n === 'chat').map((f) => f.d.text as string);

  it('delivers a chat between pages on different nodes in one order everywhere', async () => {
    // One chat page on each node.
    const byNode = new Map<string, Rendered>();
    for (let i = 0; i < 12 && byNode.size < 3; i++) {
      const p = await render('/chat');
      byNode.set(cluster.nodeOf(p.id).name, p);
    }
    expect([...byNode.keys()].sort()).toEqual(['a', 'b', 'c']);
    chat = [...byNode.values()].map((p) => new ResumingClient(base, p.id, p.cookie, 'ws'));
    clients.push(...chat);
    for (const c of chat) c.start();
    await Promise.all(chat.map((c) => c.until(() => c.connects > 0, 10_000)));

    // All three talk at once.
    for (let k = 0; k < 20; k++) chat.forEach((c, i) => c.send('say', { text: `${i}:${k}` }));
    await Promise.all(chat.map((c) => c.until(() => said(c).length >= 60, 15_000)));
    const [first, ...rest] = chat.map(said);
    expect(first).toHaveLength(60);
    for (const other of rest) expect(other).toEqual(first);
    // Each speaker's own messages in the order it said them.
    for (let i = 0; i < 3; i++) {
      expect(first!.filter((t) => t.startsWith(`${i}:`))).toEqual(Array.from({ length: 20 }, (_, k) => `${i}:${k}`));
    }
  });

  it('keeps pages working while Redis is down, and resumes topics after it restarts', async () => {
    expect(chat).toHaveLength(3);
    await cluster.redis.kill();
    // Pages answer events during the outage; what is published meanwhile is dropped.
    const replies = chat[0]!.received.filter((f) => f.t === 're').length;
    chat[0]!.send('say', { text: 'during' });
    await chat[0]!.until(() => chat[0]!.received.filter((f) => f.t === 're').length > replies, 5000);
    await new Promise((r) => setTimeout(r, 2000));
    await cluster.redis.start();

    // Every node re-subscribes on its own; speak until all three hear again.
    let k = 0;
    const heard = (c: ResumingClient) => said(c).some((t) => t.startsWith('after:'));
    const deadline = Date.now() + 15_000;
    while (!chat.every(heard)) {
      if (Date.now() > deadline) throw new Error('topics did not resume after the Redis restart');
      chat[k % 3]!.send('say', { text: `after:${k++}` });
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let i = 0; i < 10; i++) chat[i % 3]!.send('say', { text: `final:${i}` });
    const finals = (c: ResumingClient) => said(c).filter((t) => t.startsWith('final:'));
    await Promise.all(chat.map((c) => c.until(() => finals(c).length === 10, 10_000)));
    expect(finals(chat[1]!)).toEqual(finals(chat[0]!));
    expect(finals(chat[2]!)).toEqual(finals(chat[0]!));
    for (const c of chat) expect(said(c)).not.toContain('during');
  }, 40_000);
});
