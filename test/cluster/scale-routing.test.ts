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

interface Rendered { id: string; cookie: string }

async function render(path: string): Promise<Rendered> {
  const res = await fetch(base + path);
  expect(res.status).toBe(200);
  const id = /"id":"([a-z0-9]{1,16}\.[A-Za-z0-9_-]{21})"/.exec(await res.text())?.[1];
  if (!id) throw new Error('no node-qualified page id in the page');
  return { id, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

/** One page's protocol position, kept across the fresh connections a test opens. */
class Position {
  in = 0;
  out = 0;
  constructor(readonly page: Rendered) {}
  seen(frames: any[]): void {
    for (const f of frames) if (typeof f.s === 'number' && f.s > this.in) this.in = f.s;
  }
}

/** A fresh WebSocket through the balancer: hello, one `hit`, its reply, close. */
async function hitOverWs(pos: Position): Promise<any> {
  const c = new WsClient(base, pos.page.id, { cookie: pos.page.cookie, origin: base });
  try {
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: pos.in });
    await c.until((f) => f.some((x) => x.t === 'welcome'));
    const s = ++pos.out;
    c.send({ t: 'ev', s, n: 'hit' });
    await c.until((f) => f.some((x) => x.t === 're' && x.re === s));
    pos.seen(c.frames);
    return c.frames.find((x) => x.t === 're' && x.re === s).d;
  } finally {
    c.ws.terminate();
  }
}

/** A fresh HTTP-transport connection through the balancer: hello, one `hit`, polls for its reply. */
async function hitOverHttp(pos: Position): Promise<any> {
  const headers = { cookie: pos.page.cookie, origin: base, sessionid: pos.page.id, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(base + path, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as any[];
  };
  const [welcome] = await post('/_pagebound/http/send', [{ t: 'hello', v: 1, ack: pos.in }]);
  expect(welcome.t).toBe('welcome');
  const conn = { 'pb-conn': welcome.cid };
  const s = ++pos.out;
  await post('/_pagebound/http/send', [{ t: 'ev', s, n: 'hit' }], conn);
  for (let i = 0; i < 20; i++) {
    const frames = await post('/_pagebound/http/poll', { a: pos.in }, conn);
    pos.seen(frames);
    const re = frames.find((x) => x.t === 're' && x.re === s);
    if (re) return re.d;
  }
  throw new Error('no reply over HTTP');
}

describe('routing by the node in the page id', () => {
  it('sends every WebSocket and HTTP-transport connection of a page to the node that rendered it', async () => {
    const pages = await Promise.all(Array.from({ length: 6 }, () => render('/node')));
    // leastconn spreads the renders; the test needs pages on more than one node to mean anything.
    expect(new Set(pages.map((p) => cluster.nodeOf(p.id).name)).size).toBeGreaterThanOrEqual(2);

    const answers: Array<{ page: string; node: string; served: number }> = [];
    const positions = pages.map((p) => new Position(p));
    for (let round = 0; round < 3; round++) {
      for (const pos of positions) {
        // Each round is a reconnect (a new connection), alternating transports.
        for (const hit of [hitOverWs, hitOverHttp]) {
          const d = await hit(pos);
          answers.push({ page: cluster.nodeOf(pos.page.id).name, node: d.node, served: d.served });
        }
      }
    }
    for (const a of answers) expect(a.node).toBe(a.page);
    // Each node's own count of the events it served runs 1, 2, 3… with nothing missing: no event
    // for one of its pages went anywhere else, and it served none for other nodes' pages.
    for (const name of ['a', 'b', 'c']) {
      const served = answers.filter((a) => a.node === name).map((a) => a.served);
      expect(served).toEqual(served.map((_, i) => i + 1));
    }
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
