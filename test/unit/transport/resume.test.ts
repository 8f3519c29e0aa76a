import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, WsClient, type RenderedPage } from '../../helpers/live-client.js';

describe('resume after a drop (server side, real ws client)', () => {
  let server: TestServer;
  const clients: WsClient[] = [];
  beforeAll(async () => {
    server = await startServer({
      pagesDir: fixture('site'), replayMaxFrames: 50, heartbeatMs: 100, heartbeatTimeoutMs: 400,
    });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });

  async function attach(page: RenderedPage, ack: number): Promise<WsClient> {
    const c = new WsClient(server.url, page.id, { origin: server.origin, cookie: page.cookie });
    clients.push(c);
    await c.opened;
    c.send({ t: 'hello', v: 1, ack });
    await c.until((f) => f.some((x) => x.t === 'welcome' || x.t === 'expired' || x.t === 'refused'));
    return c;
  }
  const seqd = (c: WsClient) => c.frames.filter((f) => typeof f.s === 'number');

  it('replays exactly the frames after the client\'s ack, including pushes made while it was away', async () => {
    const page = await renderLive(server.url, '/push');
    const c1 = await attach(page, 0);
    c1.send({ t: 'ev', s: 1, n: 'burst', d: { n: 6 } });
    await c1.until((f) => f.some((x) => x.t === 're'));
    // The client "processed" only the first three ticks before the drop.
    c1.ws.terminate();
    await c1.done;
    const instance = server.app.pagebound.registry.get(page.id)!;
    await expect.poll(() => instance.lifecycle).toBe('disconnected');
    instance.emit('tick', 'while-away');

    const c2 = await attach(page, 3);
    expect(c2.frames[0]).toMatchObject({ t: 'welcome', ack: 1 });
    await c2.until((f) => seqd({ frames: f } as WsClient).length === 5);
    expect(seqd(c2).map((f) => [f.s, f.t, f.d])).toEqual([
      [4, 'ev', 4], [5, 'ev', 5], [6, 'ev', 6], [7, 're', 6], [8, 'ev', 'while-away'],
    ]);
  });

  it('runs a resent event once: welcome says which client frames were already accepted', async () => {
    const page = await renderLive(server.url, '/push');
    const c1 = await attach(page, 0);
    c1.send({ t: 'ev', s: 1, n: 'echo', d: 'a' });
    await c1.until((f) => f.some((x) => x.t === 're'));
    c1.ws.terminate();
    const c2 = await attach(page, 0);
    expect(c2.frames[0]).toMatchObject({ t: 'welcome', ack: 1 });
    // A client that ignores the ack and resends anyway still gets one answer per event.
    c2.send({ t: 'ev', s: 1, n: 'echo', d: 'a' });
    c2.send({ t: 'ev', s: 2, n: 'echo', d: 'b' });
    await c2.until((f) => f.filter((x) => x.t === 're').length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(c2.of('re').map((f) => [f.re, f.d])).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('answers expired{replay-overflow} when the frames a client missed were trimmed, never a silent gap', async () => {
    const page = await renderLive(server.url, '/push');
    const c1 = await attach(page, 0);
    c1.send({ t: 'ev', s: 1, n: 'burst', d: { n: 80 } });
    await c1.until((f) => f.some((x) => x.t === 're'));
    c1.ws.terminate();
    const c2 = await attach(page, 0);
    expect(c2.frames).toEqual([{ t: 'expired', reason: 'replay-overflow' }]);
    expect((await c2.done).code).toBe(4410);
    // A client that had processed what was trimmed may still resume.
    const c3 = await attach(page, 40);
    expect(c3.frames[0]).toMatchObject({ t: 'welcome' });
  });

  it('drops frames from the replay buffer once acked', async () => {
    const page = await renderLive(server.url, '/push');
    const c1 = await attach(page, 0);
    c1.send({ t: 'ev', s: 1, n: 'burst', d: { n: 10 } });
    await c1.until((f) => f.some((x) => x.t === 're'));
    const endpoint = server.app.pagebound.endpoints.of(server.app.pagebound.registry.get(page.id)!)!;
    expect(endpoint.buffered).toBe(11);
    c1.send({ t: 'ack', a: 11 });
    await expect.poll(() => endpoint.buffered).toBe(0);
  });

  it('tells a half-open client (dropped, page kept) from an idle one that heartbeats (kept connected)', async () => {
    const halfOpen = await renderLive(server.url, '/push');
    const idle = await renderLive(server.url, '/push');
    const c1 = await attach(halfOpen, 0);
    const c2 = await attach(idle, 0);
    // c1's peer stops reading and writing without closing: no FIN ever comes. c2 is idle but alive.
    (c1.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const beat = setInterval(() => c2.send({ t: 'hb', a: 0 }), 100);
    try {
      const dead = server.app.pagebound.registry.get(halfOpen.id)!;
      const alive = server.app.pagebound.registry.get(idle.id)!;
      await expect.poll(() => dead.lifecycle, { timeout: 3000 }).toBe('disconnected');
      expect(dead.closed).toBe(false);
      expect(alive.lifecycle).toBe('connected');
      expect(c2.closed).toBeUndefined();
    } finally {
      clearInterval(beat);
    }
  });

  it('sends heartbeats on a quiet connection, carrying the server\'s ack', async () => {
    const page = await renderLive(server.url, '/push');
    const c = await attach(page, 0);
    c.send({ t: 'ev', s: 1, n: 'echo', d: 1 });
    await c.until((f) => f.some((x) => x.t === 'hb'), 2000);
    expect(c.of('hb').every((f) => f.a === 1)).toBe(true);
    expect(c.of('hb')[0]).toEqual({ t: 'hb', a: 1 });
  });
});
