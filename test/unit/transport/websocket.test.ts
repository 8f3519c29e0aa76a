import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, WsClient } from '../../helpers/live-client.js';

describe('WebSocket transport, with a real ws client', () => {
  let server: TestServer;
  const clients: WsClient[] = [];
  const connect = (id: string | undefined, headers: Record<string, string>) => {
    const c = new WsClient(server.url, id, { origin: server.origin, ...headers });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('site'), connectTimeoutMs: 800 });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });

  it('attaches with the right id and cookie: welcome, then events reach the handler and replies come back', async () => {
    const page = await renderLive(server.url, '/live');
    const c = connect(page.id, { cookie: page.cookie });
    await c.opened;
    expect(c.ws.protocol).toBe('pagebound.v1');
    c.send({ t: 'hello', v: 1, ack: 0 });
    await c.until((f) => f.some((x) => x.t === 'welcome'));
    expect(c.frames[0]).toMatchObject({ t: 'welcome', v: 1, ack: 0 });
    c.send({ t: 'ev', s: 1, n: 'ping', d: null });
    await c.until((f) => f.some((x) => x.t === 're'));
    expect(c.of('re')[0]).toMatchObject({ s: 1, re: 1, ok: true, d: 'pong' });
    await c.until((f) => f.some((x) => x.t === 'ack' && x.a === 1));
  });

  it('sends nothing to a client that never says hello, and drops it', async () => {
    const page = await renderLive(server.url, '/live');
    const c = connect(page.id, { cookie: page.cookie });
    await c.opened;
    const { code } = await c.done;
    expect(c.frames).toEqual([]);
    expect(code).toBe(4400);
  });

  it('refuses author frames before hello', async () => {
    const page = await renderLive(server.url, '/live');
    const c = connect(page.id, { cookie: page.cookie });
    await c.opened;
    c.send({ t: 'ev', s: 1, n: 'ping' });
    const { code } = await c.done;
    expect(c.frames).toEqual([{ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' }]);
    expect(code).toBe(4403);
  });

  it('answers an unknown page id with expired', async () => {
    const page = await renderLive(server.url, '/live');
    const c = connect('AAAAAAAAAAAAAAAAAAAAA', { cookie: page.cookie });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    const { code } = await c.done;
    expect(c.frames).toEqual([{ t: 'expired', reason: 'unknown' }]);
    expect(code).toBe(4410);
  });

  it('answers a page id presented with another session\'s cookie, or none, exactly as an unknown id', async () => {
    const victim = await renderLive(server.url, '/live');
    const attacker = await renderLive(server.url, '/live');
    expect(attacker.cookie).not.toBe(victim.cookie);
    for (const headers of [{ cookie: attacker.cookie }, {}] as Record<string, string>[]) {
      const c = connect(victim.id, headers);
      await c.opened;
      c.send({ t: 'hello', v: 1, ack: 0 });
      const { code } = await c.done;
      // The same answer as for an id that does not exist: a prober learns nothing (hardening #9.8).
      expect(c.frames).toEqual([{ t: 'expired', reason: 'unknown' }]);
      expect(code).toBe(4410);
    }
    expect(server.app.pagebound.registry.get(victim.id)?.lifecycle).toBe('rendered');
  });

  it('refuses the upgrade from a foreign Origin', async () => {
    const page = await renderLive(server.url, '/live');
    const c = connect(page.id, { cookie: page.cookie, origin: 'https://evil.example' });
    await expect(c.opened).rejects.toMatchObject({ status: 403 });
  });

  it('closes with 4400 on a malformed frame and on a sequence gap, leaving the page to resume', async () => {
    const page = await renderLive(server.url, '/live');
    const bad = connect(page.id, { cookie: page.cookie });
    await bad.opened;
    bad.ws.send('{not json');
    expect((await bad.done).code).toBe(4400);

    const gap = connect(page.id, { cookie: page.cookie });
    await gap.opened;
    gap.send({ t: 'hello', v: 1, ack: 0 });
    await gap.until((f) => f.some((x) => x.t === 'welcome'));
    gap.send({ t: 'ev', s: 2, n: 'ping' });
    expect((await gap.done).code).toBe(4400);
    expect(server.app.pagebound.registry.get(page.id)?.closed).toBe(false);
  });

  it('takes a burst far larger than maxMailbox by pausing the socket, not by refusing it', async () => {
    const page = await renderLive(server.url, '/push');
    const c = connect(page.id, { cookie: page.cookie });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    await c.until((f) => f.some((x) => x.t === 'welcome'));
    // One write: thousands of frames reach the server in a few TCP reads.
    const burst = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ t: 'ev', s: i + 1, n: 'echo', d: i + 1 }));
    for (const f of burst) c.ws.send(f);
    await c.until((f) => f.filter((x) => x.t === 're').length === 5000, 20_000);
    expect(c.closed).toBeUndefined();
    expect(c.of('re').map((f) => f.d)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it('replaces an older connection with a newer one for the same page (close 4409)', async () => {
    const page = await renderLive(server.url, '/live');
    const first = connect(page.id, { cookie: page.cookie });
    await first.opened;
    first.send({ t: 'hello', v: 1, ack: 0 });
    await first.until((f) => f.some((x) => x.t === 'welcome'));
    const second = connect(page.id, { cookie: page.cookie });
    await second.opened;
    second.send({ t: 'hello', v: 1, ack: 0 });
    await second.until((f) => f.some((x) => x.t === 'welcome'));
    expect((await first.done).code).toBe(4409);
  });
});
