import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, WsClient, type RenderedPage } from '../../helpers/live-client.js';

describe('HTTP transport: POST up, long-poll down (real port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('site'), pollMs: 300, heartbeatMs: 200, heartbeatTimeoutMs: 600 });
  });
  afterAll(() => server.close());

  const headers = (page: RenderedPage, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.origin, ...extra,
  });
  const post = (path: string, h: Record<string, string>, body: unknown) =>
    fetch(server.url + path, { method: 'POST', headers: h, body: JSON.stringify(body) });

  async function hello(page: RenderedPage, ack = 0): Promise<string> {
    const res = await post('/_pagebound/http/send', headers(page), [{ t: 'hello', v: 1, ack }]);
    expect(res.status).toBe(200);
    const [welcome] = await res.json();
    expect(welcome).toMatchObject({ t: 'welcome', v: 1, cid: expect.any(String) });
    return welcome.cid;
  }

  it('carries events up and replies down with the SessionID header and the cookie', async () => {
    const page = await renderLive(server.url, '/push');
    const cid = await hello(page);
    const sent = await post('/_pagebound/http/send', headers(page, { 'pb-conn': cid }), [
      { t: 'ev', s: 1, n: 'echo', d: 'one' }, { t: 'ev', s: 2, n: 'burst', d: { n: 2 } },
    ]);
    expect(await sent.json()).toContainEqual({ t: 'ack', a: 2 });
    let frames: any[] = [];
    for (let i = 0; i < 5 && frames.filter((f) => f.t === 're').length < 2; i++) {
      frames = await (await post('/_pagebound/http/poll', headers(page, { 'pb-conn': cid }), { a: 0 })).json();
    }
    expect(frames.filter((f) => typeof f.s === 'number').map((f) => [f.s, f.t, f.d]))
      .toEqual([[1, 're', 'one'], [2, 'ev', 1], [3, 'ev', 2], [4, 're', 2]]);
  });

  it('sends a lost poll response again on the next poll, and nothing twice once acked', async () => {
    const page = await renderLive(server.url, '/push');
    const cid = await hello(page);
    await post('/_pagebound/http/send', headers(page, { 'pb-conn': cid }), [{ t: 'ev', s: 1, n: 'echo', d: 'x' }]);
    const h = headers(page, { 'pb-conn': cid });
    const seq = (frames: any[]) => frames.filter((f) => typeof f.s === 'number');
    const first = seq(await (await post('/_pagebound/http/poll', h, { a: 0 })).json());
    expect(first).toEqual([{ t: 're', s: 1, re: 1, ok: true, d: 'x' }]);
    const again = seq(await (await post('/_pagebound/http/poll', h, { a: 0 })).json());
    expect(again).toEqual(first);
    // Once acked, polls carry no sequenced frame; an empty one is held open as a long-poll.
    let held = 0;
    for (let i = 0; i < 3 && held === 0; i++) {
      const t0 = Date.now();
      const frames = await (await post('/_pagebound/http/poll', h, { a: 1 })).json();
      expect(seq(frames)).toEqual([]);
      if (frames.length === 0) held = Date.now() - t0;
    }
    expect(held).toBeGreaterThanOrEqual(250);
  });

  it('wakes a waiting poll as soon as the page pushes', async () => {
    const page = await renderLive(server.url, '/push');
    const cid = await hello(page);
    const polling = post('/_pagebound/http/poll', headers(page, { 'pb-conn': cid }), { a: 0 });
    await new Promise((r) => setTimeout(r, 50));
    server.app.pagebound.registry.get(page.id)!.emit('news', 'fresh');
    expect(await (await polling).json()).toEqual([{ t: 'ev', s: 1, n: 'news', d: 'fresh' }]);
  });

  it('refuses a foreign Origin, another session\'s cookie, and an unknown id', async () => {
    const page = await renderLive(server.url, '/push');
    const other = await renderLive(server.url, '/push');
    const foreign = await post('/_pagebound/http/send', headers(page, { origin: 'https://evil.example' }), [{ t: 'hello', v: 1, ack: 0 }]);
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'PB_ERR_ORIGIN' });
    const stolen = await post('/_pagebound/http/send', headers(page, { cookie: other.cookie }), [{ t: 'hello', v: 1, ack: 0 }]);
    const unknown = await post('/_pagebound/http/send', headers({ ...page, id: 'B'.repeat(21) }), [{ t: 'hello', v: 1, ack: 0 }]);
    // "Not your page" and "no such page" are one answer, byte for byte (hardening #9.8).
    expect([stolen.status, await stolen.text()]).toEqual([410, JSON.stringify([{ t: 'expired', reason: 'unknown' }])]);
    expect([unknown.status, await unknown.text()]).toEqual([410, JSON.stringify([{ t: 'expired', reason: 'unknown' }])]);
  });

  it('answers 409 to a connection id that was replaced, so the client says hello again', async () => {
    const page = await renderLive(server.url, '/push');
    const old = await hello(page);
    await hello(page);
    const res = await post('/_pagebound/http/poll', headers(page, { 'pb-conn': old }), { a: 0 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'PB_ERR_CONN_STALE' });
  });

  it('rejects a body that is not an array of valid frames', async () => {
    const page = await renderLive(server.url, '/push');
    const res = await post('/_pagebound/http/send', headers(page), { t: 'hello' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'PB_ERR_PROTOCOL' });
  });

  it('treats a client that stops polling as dropped, and lets it resume over WebSocket', async () => {
    const page = await renderLive(server.url, '/push');
    const cid = await hello(page);
    await post('/_pagebound/http/send', headers(page, { 'pb-conn': cid }), [{ t: 'ev', s: 1, n: 'echo', d: 'via-http' }]);
    const instance = server.app.pagebound.registry.get(page.id)!;
    await expect.poll(() => instance.lifecycle, { timeout: 3000 }).toBe('disconnected');
    const ws = new WsClient(server.url, page.id, { origin: server.origin, cookie: page.cookie });
    await ws.opened;
    ws.send({ t: 'hello', v: 1, ack: 0 });
    await ws.until((f) => f.some((x) => x.t === 're'));
    expect(ws.frames[0]).toMatchObject({ t: 'welcome', ack: 1 });
    expect(ws.of('re')[0]).toMatchObject({ s: 1, d: 'via-http' });
    ws.ws.terminate();
  });
});

describe('HTTP transport shutdown', () => {
  it('ends held long-polls when the server closes, instead of waiting pollMs', async () => {
    const server = await startServer({ pagesDir: fixture('site'), pollMs: 20_000 });
    const page = await renderLive(server.url, '/push');
    const h = { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.origin };
    const res = await fetch(server.url + '/_pagebound/http/send', { method: 'POST', headers: h, body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]) });
    const [{ cid }] = await res.json();
    const polling = fetch(server.url + '/_pagebound/http/poll', { method: 'POST', headers: { ...h, 'pb-conn': cid }, body: '{"a":0}' });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await polling).status).toBe(200);
  });
});
