import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { pagebound } from '../../src/index.js';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive, WsClient } from '../helpers/live-client.js';

describe('pagebound as a Fastify plugin', () => {
  it('lives inside an existing Fastify app: the host\'s routes win, pages serve the rest', async () => {
    const app = Fastify({ logger: false });
    app.get('/api/health', async () => ({ ok: true }));
    app.get('/users/admin', async () => 'host route');
    await app.register(pagebound, { pagesDir: fixture('site'), publicDir: false, dev: false });
    try {
      expect((await app.inject('/api/health')).json()).toEqual({ ok: true });
      expect((await app.inject('/users/admin')).body).toBe('host route');
      expect((await app.inject('/users/7')).body).toContain('User 7');
      expect((await app.inject('/')).body).toContain('<h1 id="greeting">Hello</h1>');
      expect(app.pagebound.router.routes.some((r) => r.url === '/users/:id')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('stops start-up with PB_ERR_ROUTE_CONFLICT naming both files', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(pagebound, { pagesDir: fixture('conflict'), publicDir: false })).rejects.toMatchObject({
      code: 'PB_ERR_ROUTE_CONFLICT',
      message: expect.stringContaining('about/index.page.ts'),
    });
    await app.close();
  });

  it('refuses an invalid option with PB_ERR_CONFIG', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(pagebound, { pagesDir: fixture('site'), retainMs: -1 })).rejects.toMatchObject({
      code: 'PB_ERR_CONFIG',
      message: expect.stringContaining('retainMs'),
    });
    await app.close();
  });
});

describe('a good guest in a host Fastify app', () => {
  const pagesDir = fixture('forms');
  const listen = async (app: FastifyInstance) => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  };

  it('reuses the host\'s @fastify/cookie (and its secret) instead of crashing on a second registration', async () => {
    const app = Fastify({ logger: false });
    await app.register(cookie, { secret: 'the-host-secret-of-enough-length' });
    app.get('/host', async (_req, reply) => reply.setCookie('h', 'v', { signed: true }).send('ok'));
    await app.register(pagebound, { pagesDir, publicDir: false, dev: false });
    try {
      const host = await app.inject('/host');
      expect(host.cookies[0]).toMatchObject({ name: 'h' });
      const page = await app.inject('/live');
      const session = page.cookies.find((c) => c.name === 'pb_session')!;
      // Signed with the host's secret: the host's own unsign accepts pagebound's cookie.
      expect(app.unsignCookie(session.value)).toMatchObject({ valid: true });
    } finally {
      await app.close();
    }
  });

  it('stops start-up with PB_ERR_COOKIE_SECRET when the host\'s cookie plugin has no secret', async () => {
    expect.assertions(1);
    const app = Fastify({ logger: false });
    await app.register(cookie);
    await expect(app.register(pagebound, { pagesDir, publicDir: false, dev: false })).rejects.toMatchObject({
      code: 'PB_ERR_COOKIE_SECRET', message: expect.stringContaining('Register @fastify/cookie with { secret }'),
    });
    await app.close();
  });

  it('reuses the host\'s @fastify/websocket: live pages connect, the host\'s socket routes still work, frames stay bounded', async () => {
    const app = Fastify({ logger: false });
    await app.register(websocket);
    app.get('/host-ws', { websocket: true }, (socket) => { socket.on('message', (m: Buffer) => socket.send(`host:${m}`)); });
    await app.register(pagebound, { pagesDir, publicDir: false, dev: false, maxFrameBytes: 1024 });
    const url = await listen(app);
    try {
      const page = await renderLive(url, '/live');
      const ws = new WsClient(url, page.id, { cookie: page.cookie, origin: url });
      await ws.opened;
      ws.send({ t: 'hello', v: 1, ack: 0 });
      ws.send({ t: 'ev', s: 1, n: 'ping', d: null });
      await ws.until((f) => f.some((x) => x.t === 're' && x.d === 'pong'));
      // The host's WebSocket server allows 100 MiB; pagebound still refuses frames over maxFrameBytes.
      ws.send({ t: 'ev', s: 2, n: 'ping', d: 'x'.repeat(2048) });
      expect((await ws.done).code).toBe(1009);

      const raw = await import('ws');
      const echo = new raw.WebSocket(url.replace('http', 'ws') + '/host-ws');
      const reply = await new Promise<string>((resolve, reject) => {
        echo.once('open', () => echo.send('hi'));
        echo.once('message', (m) => resolve(m.toString()));
        echo.once('error', reject);
      });
      echo.close();
      expect(reply).toBe('host:hi');
    } finally {
      await app.close();
    }
  });

  it('reuses the host\'s @fastify/formbody and @fastify/static, keeping the host\'s reply.sendFile', async () => {
    const app = Fastify({ logger: false });
    await app.register(formbody);
    await app.register(fastifyStatic, { root: fixture('site'), serve: false });
    app.get('/host-file', (_req, reply) => reply.sendFile('index.eta'));
    await app.register(pagebound, { pagesDir, publicDir: fixture('forms-public'), dev: false, csrf: false });
    try {
      expect((await app.inject('/host-file')).body).toContain('greeting');
      expect((await app.inject('/style.css')).body).toContain('color: red');
      const form = await app.inject({
        method: 'POST', url: '/upload', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'title=Hi+there',
      });
      expect(form.body).toContain('<p id="title">Hi there</p>');
    } finally {
      await app.close();
    }
  });

  it('leaves the host\'s body parsers alone: a host route does not start accepting multipart', async () => {
    const app = Fastify({ logger: false });
    app.post('/host-upload', async (request) => ({ body: request.body ?? null }));
    await app.register(pagebound, { pagesDir, publicDir: false, dev: false });
    try {
      const res = await app.inject({
        method: 'POST', url: '/host-upload', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--\r\n',
      });
      expect(res.statusCode).toBe(415);
    } finally {
      await app.close();
    }
  });

  it('works under a prefix: pages, the client script and the live endpoints all below it', async () => {
    const app = Fastify({ logger: false });
    app.get('/', async () => 'host home');
    await app.register(pagebound, { pagesDir, publicDir: fixture('forms-public'), dev: false, prefix: '/app' });
    const url = await listen(app);
    try {
      expect(await (await fetch(`${url}/`)).text()).toBe('host home');
      expect((await fetch(`${url}/live`)).status).toBe(404);
      expect(await (await fetch(`${url}/app/style.css`)).text()).toContain('color: red');
      const page = await renderLive(url, '/app/live');
      expect(page.html).toContain('<a id="home" href="/app/flash">');
      expect(page.html).toContain('"base":"/app/_pagebound"');
      const src = /src="([^"]+client\.[0-9a-f]+\.js)"/.exec(page.html)![1]!;
      expect(src.startsWith('/app/_pagebound/client.')).toBe(true);
      expect((await fetch(url + src)).status).toBe(200);

      const ws = new WsClient(`${url}/app`, page.id, { cookie: page.cookie, origin: url });
      await ws.opened;
      ws.send({ t: 'hello', v: 1, ack: 0 });
      ws.send({ t: 'ev', s: 1, n: 'ping', d: null });
      await ws.until((f) => f.some((x) => x.t === 're' && x.d === 'pong'));
      ws.close();

      const http = await fetch(`${url}/app/_pagebound/http/send`, {
        method: 'POST', body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]),
        headers: { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: url },
      });
      expect(http.status).toBe(200);
      expect((await fetch(`${url}/_pagebound/http/send`, { method: 'POST' })).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('leaves the host\'s error handler and logger in charge of the host\'s routes', async () => {
    const lines: any[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream } });
    app.setErrorHandler((_err, _req, reply) => reply.code(418).send({ host: 'handled' }));
    app.get('/host-fails', async () => {
      throw new Error('host failure');
    });
    await app.register(pagebound, { pagesDir: fixture('site'), publicDir: false, dev: false });
    try {
      const host = await app.inject('/host-fails');
      expect(host.statusCode).toBe(418);
      expect(host.json()).toEqual({ host: 'handled' });
      const page = await app.inject('/broken');
      expect(page.statusCode).toBe(500);
      expect(page.headers['content-type']).toContain('text/html');
      // pagebound logs through the host's logger.
      expect(lines.some((l) => l.msg === 'page failed' && l.route === '/broken')).toBe(true);
    } finally {
      await app.close();
    }
  });
});
