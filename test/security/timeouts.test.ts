/**
 * Hardening #5 (the HTTP side): slow bodies, silent sockets and handlers that never settle.
 * Before: a body trickled a byte at a time held its socket past 130 s (Fastify's requestTimeout is
 * off by default), and a GET or POST handler that never settled held its request forever.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';
import { expectStillServing, httpHello, renderFrom, request, startPagebound, PAGES, type Started } from './harness.js';

/** Sends headers promising `length` body bytes, then one byte every 200 ms; resolves when the server ends the socket. */
function trickle(port: number, path: string, contentType: string, length = 4000): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`);
      timer = setInterval(() => { if (!socket.destroyed) socket.write('a'); }, 200);
    });
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => { clearInterval(timer); resolve({ answer, ms: Date.now() - started }); });
  });
}

describe('timeouts (production, requestTimeoutMs 2000, renderTimeoutMs 1500, pollMs 2000, connectionTimeoutMs 4000)', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startPagebound({ options: { requestTimeoutMs: 2000, renderTimeoutMs: 1500, pollMs: 2000, connectionTimeoutMs: 4000 } });
  });
  afterAll(() => server.stop());

  // The bound is the test's own deadline (20 s, ten times the limit), not a speed claim.
  it.each([
    ['a page', '/form', 'application/x-www-form-urlencoded'],
    ['/_pagebound/http/send', '/_pagebound/http/send', 'application/json'],
  ])('a body trickled to %s is cut with 408', async (_what, path, type) => {
    const cut = await Promise.race([
      trickle(server.port, path, type),
      new Promise<null>((r) => setTimeout(() => r(null), 20_000)),
    ]);
    expect(cut).not.toBeNull();
    expect(cut!.answer).toMatch(/^HTTP\/1\.1 408/);
    await expectStillServing(server);
  }, 30_000);

  it.each(['GET', 'POST'])('a %s handler that never settles gets a 503 error page, and its page closes', async (method) => {
    const res = await request(`${server.url}/hang`, {
      method, headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}, body: method === 'POST' ? 'a=1' : undefined,
    });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Something went wrong');
    await expect.poll(() => server.output(), { timeout: 5000 }).toContain(`hang-page-closed ${method.toLowerCase()} signal-aborted=true`);
    await expectStillServing(server);
  });
});

describe('server timeout options', () => {
  it('a socket gone silent in the middle of its request is closed after connectionTimeoutMs', async () => {
    // requestTimeoutMs is far off here, so only the idle limit can end this socket within the test.
    const app = await createServer({
      logger: false, pagesDir: PAGES, publicDir: false, requestTimeoutMs: 120_000, connectionTimeoutMs: 3000, pollMs: 1000,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as net.AddressInfo).port;
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /form HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: '));
        socket.on('error', () => {});
        socket.on('close', () => resolve(true));
        setTimeout(() => { socket.destroy(); resolve(false); }, 20_000);
      });
      expect(closed).toBe(true);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('defaults: requests must arrive within 30 s; sockets may idle 90 s, longer than a held long-poll (25 s)', async () => {
    const app = await createServer({ logger: false, pagesDir: PAGES, publicDir: false });
    try {
      expect(app.server.requestTimeout).toBe(30_000);
      expect(app.server.timeout).toBe(90_000);
      expect(app.server.timeout).toBeGreaterThan(app.pagebound.options.pollMs);
      expect(app.pagebound.options.renderTimeoutMs).toBe(10_000);
    } finally {
      await app.close();
    }
  });

  it('a long-poll held for pollMs outlives a shorter requestTimeoutMs: only the arrival of a request is timed', async () => {
    const app = await createServer({
      logger: false, pagesDir: PAGES, publicDir: false, requestTimeoutMs: 1000, pollMs: 3000, connectionTimeoutMs: 10_000,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
      const page = await renderFrom(base, '/live', '127.0.0.1');
      const hello = await httpHello(base, page, '127.0.0.1');
      const cid = JSON.parse(hello.body)[0].cid as string;
      const poll = await request(`${base}/_pagebound/http/poll`, {
        method: 'POST', body: JSON.stringify({ a: 0 }),
        headers: { 'content-type': 'application/json', sessionid: page.id!, 'pb-conn': cid, cookie: page.cookie },
      });
      expect(poll.status).toBe(200);
      expect(JSON.parse(poll.body)).toEqual([]);
    } finally {
      await app.close();
    }
  }, 30_000);

  it.each([
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs must be a positive number'],
    [{ connectionTimeoutMs: -1 }, 'connectionTimeoutMs must be a positive number'],
    [{ connectionTimeoutMs: 20_000 }, 'connectionTimeoutMs must be larger than pollMs'],
    [{ renderTimeoutMs: 0 }, 'renderTimeoutMs must be a positive number'],
  ])('%o is refused with PB_ERR_CONFIG', async (opts, message) => {
    expect.assertions(1);
    await expect(createServer({ logger: false, pagesDir: PAGES, publicDir: false, ...opts })).rejects.toMatchObject({
      code: 'PB_ERR_CONFIG', message: expect.stringContaining(message),
    });
  });
});
