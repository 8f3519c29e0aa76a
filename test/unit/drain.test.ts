/**
 * Graceful drain on a real port: the health check turns 503, new pages and connections are refused
 * with PB_ERR_DRAINING, attached clients keep working until the balancer has seen the 503s, then
 * WebSocket clients get close 1012 and HTTP clients a 409 on their next poll; a running handler
 * finishes before the drain is over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive, WsClient, type RenderedPage } from '../helpers/live-client.js';
import { HEALTH_PATH, SERVICE_RESTART } from '../../src/drain.js';

describe('drain', () => {
  let server: TestServer;
  const clients: WsClient[] = [];
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('scale'), nodeId: 'n1', drainTimeoutMs: 5000 });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });

  const ws = async (page: RenderedPage) => {
    const c = new WsClient(server.url, page.id, { origin: server.origin, cookie: page.cookie });
    clients.push(c);
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    await c.until((f) => f.some((x) => x.t === 'welcome'));
    return c;
  };
  const post = (path: string, page: RenderedPage, body: unknown, extra: Record<string, string> = {}) =>
    fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.origin, ...extra },
      body: JSON.stringify(body),
    });

  it('answers health 200 while serving and 503 while draining; refuses new work; tells clients to reconnect', async () => {
    expect((await fetch(server.url + HEALTH_PATH)).status).toBe(200);

    const a = await renderLive(server.url, '/node');
    expect(a.id).toMatch(/^n1\.[A-Za-z0-9_-]{21}$/);
    const client = await ws(a);
    const b = await renderLive(server.url, '/node', a.cookie);
    const hello = await post('/_pagebound/http/send', b, [{ t: 'hello', v: 1, ack: 0 }]);
    const cid = (await hello.json())[0].cid as string;
    // A handler is running when the drain starts; the drain waits for it.
    const slowSent = Date.now();
    client.send({ t: 'ev', s: 1, n: 'slow', d: { ms: 600 } });
    await new Promise((r) => setTimeout(r, 50));

    const drained = server.app.pagebound.drain.start();
    const health = await fetch(server.url + HEALTH_PATH);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'draining' });

    const render = await fetch(server.url + '/node');
    expect(render.status).toBe(503);
    expect(render.headers.get('retry-after')).toBe('1');
    expect(await render.json()).toMatchObject({ code: 'PB_ERR_DRAINING' });
    const upgrade = new WsClient(server.url, a.id, { origin: server.origin, cookie: a.cookie });
    clients.push(upgrade);
    await expect(upgrade.opened).rejects.toMatchObject({ status: 503 });
    const secondHello = await post('/_pagebound/http/send', b, [{ t: 'hello', v: 1, ack: 0 }]);
    expect(secondHello.status).toBe(503);

    // Until the balancer has seen two 503s the attached clients go on as before.
    const poll = post('/_pagebound/http/poll', b, { a: 0 }, { 'pb-conn': cid });
    await new Promise((r) => setTimeout(r, 150));
    expect(client.closed).toBeUndefined();
    expect((await fetch(server.url + HEALTH_PATH)).status).toBe(503);

    const closed = await client.done;
    expect(closed).toEqual({ code: SERVICE_RESTART, reason: 'service restart' });
    expect((await poll).status).toBe(200);
    const stale = await post('/_pagebound/http/poll', b, { a: 0 }, { 'pb-conn': cid });
    expect(stale.status).toBe(409);

    expect(await drained).toBe('done');
    // The drain ended only once the running 600 ms handler had finished.
    expect(Date.now() - slowSent).toBeGreaterThanOrEqual(590);
    expect(server.app.pagebound.drain.draining).toBe(true);
  });
});

describe('drain with a balancer that went quiet', () => {
  it('waits at most half of drainTimeoutMs for it, still tells clients to reconnect, and reports the timeout', async () => {
    const server = await startServer({ pagesDir: fixture('scale'), drainTimeoutMs: 600 });
    try {
      expect((await fetch(server.url + HEALTH_PATH)).status).toBe(200);
      const page = await renderLive(server.url, '/node');
      const c = new WsClient(server.url, page.id, { origin: server.origin, cookie: page.cookie });
      await c.opened;
      c.send({ t: 'hello', v: 1, ack: 0 });
      await c.until((f) => f.some((x) => x.t === 'welcome'));
      const started = Date.now();
      // No more health checks arrive: the wait for them gives up at 300 ms.
      expect(await server.app.pagebound.drain.start()).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(600);
      expect((await c.done).code).toBe(SERVICE_RESTART);
    } finally {
      await server.close();
    }
  });
});

describe('node-qualified page ids', () => {
  it('are the key alone without a node name, and refuse a bad node name', async () => {
    const plain = await startServer({ pagesDir: fixture('scale') });
    try {
      const page = await renderLive(plain.url, '/node');
      expect(page.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    } finally {
      await plain.close();
    }
    await expect(startServer({ pagesDir: fixture('scale'), nodeId: 'Node.A' })).rejects.toMatchObject({ code: 'PB_ERR_CONFIG' });
  });

  it('take PAGEBOUND_NODE_ID, attach, and close on a goodbye whose body is the qualified id', async () => {
    process.env.PAGEBOUND_NODE_ID = 'zz9';
    const server = await startServer({ pagesDir: fixture('scale') });
    delete process.env.PAGEBOUND_NODE_ID;
    try {
      const page = await renderLive(server.url, '/node');
      expect(page.id).toMatch(/^zz9\.[A-Za-z0-9_-]{21}$/);
      expect(server.app.pagebound.registry.get(page.id)).toBeDefined();
      const bye = await fetch(server.url + '/_pagebound/bye', {
        method: 'POST', headers: { 'content-type': 'text/plain', cookie: page.cookie, origin: server.origin }, body: page.id,
      });
      expect(bye.status).toBe(204);
      expect(server.app.pagebound.registry.get(page.id)).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
