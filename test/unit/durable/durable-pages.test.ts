/**
 * Durable pages through the front door, in one process: the render-time checks, `mount`, the
 * in-memory store of `npm run dev`, and claims between two servers sharing a real Redis — the
 * session check, the epoch that fences the old holder, and the event key that stays the same —
 * and the holder's refresh sweep, which keeps idle pages' records alive in bounded batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import path from 'node:path';
import { fixture, REPO } from '../../helpers/temp-pages.js';
import { renderLive, WsClient } from '../../helpers/live-client.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { MemoryStore } from '../../../src/durable/memory-store.js';
import { RedisStore } from '../../../src/durable/redis-store.js';
import pino from 'pino';
import { endpointOf, makePage } from '../../helpers/fake-connection.js';
import { DurablePages } from '../../../src/durable/durable-pages.js';
import type { Recorder } from '../../../src/durable/recorder.js';
import type { PageInstance } from '../../../src/page/page-instance.js';
import type { Runtime } from '../../../src/runtime.js';
import { noMetrics } from '../../../src/metrics/metrics.js';

const SECRET = 'durable-unit-secret-0123456789abcdef';
let redis: TestRedis;
const servers: TestServer[] = [];
const start = async (opts: Parameters<typeof startServer>[0]) => {
  const s = await startServer({ pagesDir: fixture('durable'), dev: false, secret: SECRET, ...opts });
  servers.push(s);
  return s;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await redis?.stop();
});

/** A WebSocket client that says hello with `ack`, for `id`, with `cookie`. */
async function hello(base: string, id: string, cookie: string, ack = 0): Promise<WsClient> {
  const c = new WsClient(base, id, { cookie, origin: base });
  await c.opened;
  c.send({ t: 'hello', v: 1, ack });
  await c.until((f) => f.some((x) => x.t === 'welcome' || x.t === 'expired' || x.t === 'refused'));
  return c;
}

describe('durable pages in one process', () => {
  it('runs on the in-memory store without Redis: mount runs after get, events are answered', async () => {
    const s = await start({});
    expect(s.app.pagebound.durable.store).toBeInstanceOf(MemoryStore);
    const page = await renderLive(s.url, '/counter');
    const c = await hello(s.url, page.id, page.cookie);
    c.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    c.send({ t: 'ev', s: 2, n: 'where' });
    await c.until((f) => f.filter((x) => x.t === 're').length === 2);
    expect(c.of('re').map((f) => f.d)).toEqual([{ count: 1, node: '' }, { node: '', mounts: 1 }]);
    await c.until((f) => f.some((x) => x.t === 'ack' && x.a === 2));
    c.ws.close();
  });

  it('refuses to render a durable page whose state is over maxDurableStateBytes: 500 PB_ERR_DURABLE_STATE, no page kept', async () => {
    // In dev the error page names the code; in production it is a generic 500 and the log names it.
    const s = await start({ maxDurableStateBytes: 10, dev: true });
    const res = await fetch(s.url + '/counter');
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('PB_ERR_DURABLE_STATE');
    expect(body).toContain('too large (limit 10 bytes)');
    expect(s.app.pagebound.registry.size).toBe(0);
  });
});

describe('claims between two servers on one Redis', () => {
  it('another server takes the page over with its state; the old holder is fenced; another session cannot claim it', async () => {
    const a = await start({ nodeId: 'a', pubsub: { redisUrl: redis.url } });
    const b = await start({ nodeId: 'b', pubsub: { redisUrl: redis.url } });
    expect(b.app.pagebound.durable.store).toBeInstanceOf(RedisStore);
    const page = await renderLive(a.url, '/counter');
    const onA = await hello(a.url, page.id, page.cookie);
    onA.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    await onA.until((f) => f.some((x) => x.t === 're' && x.re === 1));

    // Another browser session, with the id: answered as an unknown page, and the epoch unmoved.
    const stranger = await renderLive(b.url, '/plain');
    const refused = await hello(b.url, page.id, stranger.cookie);
    expect(refused.of('expired')).toEqual([{ t: 'expired', reason: 'unknown' }]);
    expect((await b.app.pagebound.durable.store.read(page.id))?.epoch).toBe(1);

    // The owner's hello on b: b claims the page at epoch 2 and resumes it where the commit left it.
    const onB = await hello(b.url, page.id, page.cookie, 2);
    expect(onB.of('welcome')[0]).toMatchObject({ ack: 1 });
    expect((await b.app.pagebound.durable.store.read(page.id))?.epoch).toBe(2);
    onB.send({ t: 'ev', s: 2, n: 'add', d: { i: 2 } });
    onB.send({ t: 'ev', s: 3, n: 'where' });
    await onB.until((f) => f.filter((x) => x.t === 're').length === 2);
    expect(onB.of('re').map((f) => f.d)).toEqual([{ count: 2, node: '' }, { node: '', mounts: 2 }]);

    // a still holds its copy; its next commit is refused, so it closes it and sends its client away
    // (1012, reconnect) instead of answering: nothing a's copy did after the claim reaches anyone.
    onA.send({ t: 'ev', s: 2, n: 'add', d: { i: 99 } });
    const closed = await onA.done;
    expect(closed.code).toBe(1012);
    expect(onA.of('re').map((f) => f.re)).toEqual([1]);
    expect(a.app.pagebound.registry.get(page.id)).toBeUndefined();
    const record = await b.app.pagebound.durable.store.read(page.id);
    expect(record?.epoch).toBe(2);
    expect(JSON.parse(record!.data).state.log).toEqual([1, 2]);
    onB.ws.close();
  });

  it('a claim restores what the old holder committed between the claimer\'s read and its claim: nothing the client saw is lost', async () => {
    const a = await start({ nodeId: 'a', pubsub: { redisUrl: redis.url } });
    const b = await start({ nodeId: 'b', pubsub: { redisUrl: redis.url } });
    const page = await renderLive(a.url, '/counter');
    const onA = await hello(a.url, page.id, page.cookie);

    // b's claim is held just after it read the record — as a freshly started node is while it
    // loads the page module — and a, still the holder, takes an event and commits it meanwhile.
    const store = b.app.pagebound.durable.store;
    const read = store.read.bind(store);
    let readDone!: () => void;
    const hasRead = new Promise<void>((r) => (readDone = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    store.read = async (id: string) => {
      const record = await read(id);
      readDone();
      await gate;
      return record;
    };
    const onB = new WsClient(b.url, page.id, { cookie: page.cookie, origin: b.url });
    await onB.opened;
    onB.send({ t: 'hello', v: 1, ack: 0 });
    await hasRead;
    store.read = read;
    onA.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    // The client has its answer and the ack: event 1 is done, as far as it can tell.
    await onA.until((f) => f.some((x) => x.t === 're' && x.re === 1) && f.some((x) => (x.t === 'ack' && x.a === 1)));
    const seenOnA = Math.max(...onA.frames.filter((x) => typeof x.s === 'number').map((x) => x.s));
    release();

    await onB.until((f) => f.some((x) => x.t === 'welcome' || x.t === 'expired'));
    // b resumes from a's last commit, which holds event 1 and the frames that answered it.
    expect(onB.of('welcome')[0]).toMatchObject({ ack: 1 });
    onB.send({ t: 'ack', a: seenOnA });
    onB.send({ t: 'ev', s: 2, n: 'add', d: { i: 2 } });
    await onB.until((f) => f.some((x) => x.t === 're' && x.re === 2));
    const reply = onB.of('re').find((x) => x.re === 2);
    expect(reply.d).toEqual({ count: 2, node: '' });
    // Numbered after what a sent, so a client that saw a's frames takes it as new.
    expect(reply.s).toBeGreaterThan(seenOnA);
    expect(JSON.parse((await store.read(page.id))!.data).state.log).toEqual([1, 2]);
    onB.ws.close();
    onA.ws.close();
  });
});

describe('a durable page with a keyed list, taken over by another server', () => {
  it('the chat page subscribes again in mount on the new server, and its list items render there', async () => {
    const opts = { pagesDir: path.join(REPO, 'pages'), pubsub: { redisUrl: redis.url } };
    const a = await start({ ...opts, nodeId: 'a' });
    const b = await start({ ...opts, nodeId: 'b' });
    const room = `durable-${Date.now()}`;
    const page = await renderLive(a.url, `/chat/${room}`);
    expect(page.html).toContain('<ul id="log" data-pb-list="messages"></ul>');
    const onA = await hello(a.url, page.id, page.cookie);
    onA.send({ t: 'ev', s: 1, n: 'say', d: { text: 'before' } });
    await onA.until((f) => f.some((x) => x.t === 'ls'));
    // The log is not in the state: what is committed is the room.
    expect(JSON.parse((await b.app.pagebound.durable.store.read(page.id))!.data).state).toEqual({ room });
    onA.ws.close();

    const last = Math.max(...onA.frames.filter((f) => typeof f.s === 'number').map((f) => f.s as number));
    const onB = await hello(b.url, page.id, page.cookie, last);
    expect(b.app.pagebound.registry.get(page.id)).toBeDefined();
    // Another tab in the room, on b, says something: the restored page hears it and appends it.
    const other = await renderLive(b.url, `/chat/${room}`);
    const tab = await hello(b.url, other.id, other.cookie);
    tab.send({ t: 'ev', s: 1, n: 'say', d: { text: 'after <b>' } });
    await onB.until((f) => f.some((x) => x.t === 'ls'));
    const [ls] = onB.of('ls');
    expect(ls).toMatchObject({ t: 'ls', n: 'messages', m: 50 });
    expect(ls.o).toEqual([['a', expect.stringMatching(/^<li id="msg-[0-9a-f-]{36}">after &lt;b&gt;<\/li>$/)]]);
    // Only the new message: nothing of the log went again.
    expect(JSON.stringify(onB.frames)).not.toContain('before');
    onB.ws.close();
    tab.ws.close();
  });
});

/** A memory store that records the size of each refresh it is asked for. */
class CountingStore extends MemoryStore {
  readonly refreshes: number[] = [];
  override refresh(pageIds: readonly string[], ttlMs: number): Promise<void> {
    this.refreshes.push(pageIds.length);
    return super.refresh(pageIds, ttlMs);
  }
}

const TTL = 60_000;

function setup() {
  const store = new CountingStore();
  const rt = {
    options: { durableTtlMs: TTL, maxDurableStateBytes: 1024 },
    log: pino({ level: 'silent' }),
    metrics: noMetrics,
    endpoints: { of: (page: PageInstance<any>) => endpointOf(page) },
  } as unknown as Runtime;
  const durable = new DurablePages(store, () => rt);
  const held = async (n: number) => {
    const pages = Array.from({ length: n }, () => makePage());
    for (const page of pages) {
      page.state = { n: 0 };
      await durable.start(page);
    }
    return pages;
  };
  return { store, durable, held };
}

/** As if the page's last commit or refresh was `ms` ago. */
const idleFor = (page: PageInstance<any>, ms: number) => { (page.durable as Recorder).storedAt = Date.now() - ms; };

describe('DurablePages refresh sweep', () => {
  it('refreshes 1,200 idle pages in three round trips of at most 500, and none again while they are fresh', async () => {
    const { store, durable, held } = setup();
    const pages = await held(1_200);
    await durable.refreshIdle();
    // Every page just committed its first snapshot: nothing is due.
    expect(store.refreshes).toEqual([]);
    for (const page of pages) idleFor(page, TTL / 2);
    await durable.refreshIdle();
    expect(store.refreshes).toEqual([500, 500, 200]);
    await durable.refreshIdle();
    expect(store.refreshes).toEqual([500, 500, 200]);
    await durable.close();
  });

  it('refreshes only the idle pages, and no page that closed', async () => {
    const { store, durable, held } = setup();
    const [busy, idle, gone] = await held(3);
    idleFor(idle!, TTL / 2);
    idleFor(gone!, TTL / 2);
    idleFor(busy!, TTL / 10);
    await gone!.close('bye');
    await durable.refreshIdle();
    expect(store.refreshes).toEqual([1]);
    // The idle page's record now outlives the TTL from this sweep on.
    expect(await store.read(idle!.id)).toBeDefined();
    expect(await store.read(gone!.id)).toBeUndefined();
    await durable.close();
  });
});
