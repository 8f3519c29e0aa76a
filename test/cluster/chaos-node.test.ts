/**
 * The exactly-once proof with a real Node client: 2,000 events each way while a loopback proxy
 * resets the TCP connection, often in the middle of a frame, at dozens of points. Afterwards each
 * receiver's log must equal the sender's: no gap, no duplicate, in order. On both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive } from '../helpers/live-client.js';
import { startChaosProxy, type ChaosProxy } from '../helpers/chaos-proxy.js';
import { PageClient, type PageClientOptions } from '../../src/testing/page-client.js';

type TransportKind = NonNullable<PageClientOptions['transport']>;

const COUNT = 2000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let server: TestServer;
let proxy: ChaosProxy;

beforeAll(async () => {
  // The replay window is widened so the run measures delivery, not the window: the client floods
  // 4,000 server frames (pushes and replies) through a link cut every few kilobytes. Overflowing
  // the window ends in `expired` (test/unit/transport/resume.test.ts), never in silent loss.
  server = await startServer({
    pagesDir: fixture('chaos'), pollMs: 1000, heartbeatMs: 1000, heartbeatTimeoutMs: 3000, dev: false,
    replayMaxFrames: 10_000, replayMaxBytes: 8 << 20,
  });
  proxy = await startChaosProxy(server.port);
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe.each<TransportKind>(['ws', 'http'])('chaos over %s', (transport) => {
  it(`delivers ${COUNT} events each way exactly once, in order, across ≥ 20 resets, many mid-frame`, async () => {
    const page = await renderLive(proxy.url, '/');
    const instance = server.app.pagebound.registry.get(page.id)!;
    // The testing kit's client: an independent implementation of the protocol's client side.
    const client = new PageClient(proxy.url, page.id, { cookie: page.cookie, transport });
    const cutsBefore = proxy.cuts;
    // Two kinds of cut: after a random number of bytes (often mid-frame), and at random moments.
    // HTTP answers are resent whole when cut, so its byte budget is larger than WebSocket's.
    proxy.cutMidStream(true, 300, transport === 'ws' ? 6000 : 40_000);
    let monkey: ReturnType<typeof setTimeout> | undefined;
    const unleash = () => { monkey = setTimeout(() => { proxy.cutAll(); unleash(); }, 100 + Math.random() * 250); };
    unleash();
    void client.connect().catch(() => {});
    try {
      client.send('pushes', { count: COUNT, perTick: 10, everyMs: 25 });
      for (let i = 1; i <= COUNT; i++) {
        client.send('n', { i });
        // Paced like a busy page (about 5 s in all), so cuts land throughout the run.
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 25));
      }
      // Done when every push has arrived and every event has been answered (so its handler ran).
      await client.until(() => client.pushed('p').length >= COUNT && client.answered.length >= COUNT + 1, 60_000);
    } finally {
      clearTimeout(monkey);
      proxy.cutMidStream(false);
    }
    expect(client.pushed('p')).toEqual(range(COUNT));
    expect(instance.state.log).toEqual(range(COUNT));
    // Every event was answered once: one `re` per client event, none twice.
    expect(client.answered).toEqual(range(COUNT + 1));
    expect(proxy.cuts - cutsBefore).toBeGreaterThanOrEqual(20);
    expect(client.connects).toBeGreaterThanOrEqual(20);
    await client.close();
  }, 90_000);
});
