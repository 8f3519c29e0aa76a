/**
 * Each fault the kit simulates, shown on a real server and a real client through the fault proxy,
 * and what pagebound guarantees under it: every event handled exactly once, in order, every push
 * received exactly once, in order — or, when the server restarts, the client told the page expired.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/temp-pages.js';
import {
  assertExactlyOnce, pageMatchers, sleep, startFaultProxy, startPageServer,
  type FaultProxy, type PageClient, type PageServer,
} from '../../../src/testing/index.js';

expect.extend(pageMatchers);

let server: PageServer;
let proxy: FaultProxy;
beforeAll(async () => {
  server = await startPageServer({ pagesDir: fixture('testing'), heartbeatMs: 1000, heartbeatTimeoutMs: 3000 });
  proxy = await startFaultProxy(server.port);
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});
afterEach(() => {
  proxy.stall(false);
  proxy.delay(0);
  proxy.duplicate(0);
  proxy.reorder(0);
  proxy.cutMidStream(false);
  proxy.refuseAll = false;
  proxy.refuseUpgrades = false;
});

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const log = (client: PageClient) => (server.stateOf(client.id) as { log: number[] }).log;

/** Sends n events (paced, so faults land throughout) and asks for n pushes, then checks both directions arrived exactly once, in order. */
async function exchange(client: PageClient, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    client.send('n', { i });
    if (i % 10 === 0) await sleep(20);
  }
  client.send('pushes', { count: n });
  await client.settled(25_000);
  await client.until(() => client.pushed('p').length >= n, 25_000);
  expect(client).toHaveHandledEachEventOnce();
  assertExactlyOnce(log(client), oneTo(n));
  expect(client.pushed('p')).toEqual(oneTo(n));
}

describe('fault proxy', () => {
  it('drop: every connection reset mid-exchange; the client resumes and nothing is lost or doubled', async () => {
    const client = await server.open('/log', { via: proxy.url });
    for (let i = 1; i <= 50; i++) client.send('n', { i });
    expect(proxy.cutAll()).toBeGreaterThan(0);
    for (let i = 51; i <= 100; i++) client.send('n', { i });
    client.send('pushes', { count: 100 });
    await client.settled(15_000);
    await client.until(() => client.pushed('p').length >= 100, 15_000);
    expect(client.connects).toBeGreaterThanOrEqual(2);
    assertExactlyOnce(log(client), oneTo(100));
    expect(client.pushed('p')).toEqual(oneTo(100));
  });

  it('drop mid-frame: connections cut after a random number of bytes, again and again', async () => {
    const client = await server.open('/log', { via: proxy.url });
    const before = proxy.cuts;
    proxy.cutMidStream(true, 300, 6000);
    await exchange(client, 100);
    expect(proxy.cuts).toBeGreaterThan(before);
  });

  it('stall: traffic held with the connection open; nothing is handled until released, then all of it once', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.stall(true);
    for (let i = 1; i <= 20; i++) client.send('n', { i });
    await sleep(300);
    expect(log(client)).toEqual([]);
    expect(proxy.stats.stalledChunks).toBeGreaterThan(0);
    proxy.stall(false);
    await client.settled();
    assertExactlyOnce(log(client), oneTo(20));
  });

  it('stall longer than the heartbeat timeout: the server drops the silent connection and the client resumes', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.stall(true);
    client.send('n', { i: 1 });
    await sleep(4000);
    proxy.stall(false);
    await client.until(() => client.connects >= 2, 10_000, 'a resume');
    await client.settled();
    assertExactlyOnce(log(client), [1]);
  });

  it('delay: every chunk arrives later, in order', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.delay(250);
    const reply = client.call('n', { i: 1 });
    let answered = false;
    void reply.then(() => (answered = true));
    await sleep(100);
    expect(answered).toBe(false);
    expect(await reply).toBe(1);
    client.send('pushes', { count: 3 });
    await client.until(() => client.pushed('p').length === 3);
    expect(client.pushed('p')).toEqual([1, 2, 3]);
    assertExactlyOnce(log(client), [1]);
  });

  it('duplicate: every WebSocket frame sent twice; each is still handled and received once', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.duplicate(1);
    await exchange(client, 100);
    expect(proxy.stats.duplicated).toBeGreaterThan(100);
  });

  it('reorder: frames swapped on the wire; the gap closes the connection and the resume restores order', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.reorder(0.2);
    await exchange(client, 200);
    expect(proxy.stats.reordered).toBeGreaterThan(0);
    expect(client.connects).toBeGreaterThan(1);
  });

  it('refuse: a network that is down, or a proxy refusing upgrades, keeps the client out until it is back', async () => {
    const client = await server.open('/log', { via: proxy.url });
    proxy.refuseAll = true;
    proxy.cutAll();
    client.send('n', { i: 1 });
    await sleep(300);
    expect(client.live).toBe(false);
    proxy.refuseAll = false;
    proxy.refuseUpgrades = true;
    await sleep(300);
    expect(client.live).toBe(false);
    proxy.refuseUpgrades = false;
    await client.settled();
    assertExactlyOnce(log(client), [1]);
  });
});

describe('over the HTTP fallback', () => {
  it('requests cut mid-way and a stall: every event and push exactly once, in order', async () => {
    const client = await server.open('/log', { via: proxy.url, transport: 'http' });
    const before = proxy.cuts;
    // HTTP answers are resent whole when cut, so the byte budget is larger than for WebSocket. The
    // budget is drawn per connection, and a loaded machine batches more events per request, so the
    // events go on (bounded) until at least one cut has landed among them.
    proxy.cutMidStream(true, 1000, 8000);
    let sent = 0;
    while (sent < 100 || (proxy.cuts === before && sent < 2000)) {
      for (let k = 0; k < 10; k++) client.send('n', { i: ++sent });
      await sleep(20);
    }
    client.send('pushes', { count: 100 });
    await client.settled(25_000);
    await client.until(() => client.pushed('p').length >= 100, 25_000);
    proxy.cutMidStream(false);
    expect(proxy.cuts).toBeGreaterThan(before);
    expect(client.connects).toBeGreaterThan(1);
    expect(client).toHaveHandledEachEventOnce();
    assertExactlyOnce(log(client), oneTo(sent));
    expect(client.pushed('p')).toEqual(oneTo(100));
    proxy.stall(true);
    client.send('n', { i: sent + 1 });
    await sleep(300);
    expect(log(client)).not.toContain(sent + 1);
    proxy.stall(false);
    await client.settled(15_000);
    assertExactlyOnce(log(client), oneTo(sent + 1));
  });
});

describe('restartable server', () => {
  it('a restart ends every page: the client is told its page expired, and a new render works', async () => {
    const client = await server.open('/log');
    await server.restart();
    await client.until(() => client.ended !== undefined, 5000, 'expiry');
    // Told at shutdown (closed) or, if the socket went down first, on the resume (unknown).
    expect(['closed', 'unknown']).toContain(client.ended);
    await expect(client.call('n', { i: 1 })).rejects.toMatchObject({ code: 'PB_ERR_PAGE_EXPIRED' });
    const fresh = await server.open('/log');
    expect(await fresh.call('n', { i: 7 })).toBe(7);
  });

  it('a crash cuts connections first: the client learns on its resume that the page is unknown', async () => {
    const client = await server.open('/log', { via: proxy.url });
    const pending = client.call('n', { i: 1 });
    await pending;
    await server.restart({ crash: true });
    await client.until(() => client.ended !== undefined, 5000, 'expiry');
    expect(client.ended).toBe('unknown');
  });
});
