/**
 * Hardening #6: what a production server lets out. Before: `POST /_pagebound/open` returned a
 * socket module's open() error message verbatim; 404/405/500 pages had no CSP; a CR/LF in a
 * header gave `HTTP/1.1 500 OK` with Fastify's JSON; a bad percent-encoding echoed the URL in JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';
import { expectStillServing, request, startPagebound, PAGES, type Started } from './harness.js';

describe('leaks (production server)', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startPagebound({ command: 'start' });
  });
  afterAll(() => server.stop());

  it('a socket module whose open() fails answers a generic 500: its message stays in the server log', async () => {
    const res = await request(`${server.url}/_pagebound/open`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/secret' }),
    });
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PB_ERR_INTERNAL' });
    expect(server.output()).toContain('hunter2');
    await expectStillServing(server);
  });

  it.each([
    ['a 404', 'GET', '/no/such/page', 404],
    ['a 405', 'DELETE', '/live', 405],
    ['a 500', 'GET', '/boom', 500],
    ['a page', 'GET', '/live', 200],
  ])('%s is HTML with the CSP and nosniff, and no internals', async (_what, method, path, status) => {
    const res = await request(server.url + path, { method });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{22}'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toContain('hunter2');
  });

  it('a static file is served with nosniff', async () => {
    // The CLI serves ./public beside the pages (the repository's own here).
    const res = await request(`${server.url}/style.css`);
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['ctx.header()', '/header?v=ok%0D%0ASet-Cookie:%20stolen=1'],
    ['Fastify\'s reply.header() (the escape hatch)', '/header?raw=1&v=ok%0D%0ASet-Cookie:%20stolen=1'],
    ['ctx.redirect()', '/redirect?next=/ok%0D%0ASet-Cookie:%20stolen=1'],
  ])('a CR/LF reaching a header through %s gets the 500 error page, with a sound status line', async (_what, path) => {
    const res = await request(server.url + path);
    expect(res.status).toBe(500);
    expect(res.statusMessage).toBe('Internal Server Error');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringContaining('stolen'));
    expect(res.headers['x-echo']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.body).toContain('Something went wrong');
    await expectStillServing(server);
  });

  it('a bad percent-encoding gets a 400 page that does not echo the URL', async () => {
    const res = await request(`${server.url}/%E0%A4%A-evil-%3Cscript%3E`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/evil|%E0|script/i);
    await expectStillServing(server);
  });
});

describe('the last error handler of a production createServer()', () => {
  it('answers any route\'s 5xx (the host app\'s too) with a generic body, keeps 4xx answers, logs the real error', async () => {
    const logged: string[] = [];
    const app = await createServer({
      dev: false, pagesDir: PAGES, publicDir: false,
      logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
    });
    app.get('/api/explode', async () => {
      throw new Error('connection string postgres://admin:hunter2@db');
    });
    app.post('/api/strict', { schema: { body: { type: 'object', required: ['n'] } } }, async () => ({ ok: true }));
    try {
      const boom = await app.inject('/api/explode');
      expect(boom.statusCode).toBe(500);
      expect(boom.body).not.toContain('hunter2');
      expect(boom.json()).toMatchObject({ code: 'PB_ERR_INTERNAL' });
      expect(logged.join('')).toContain('hunter2');
      const bad = await app.inject({ method: 'POST', url: '/api/strict', payload: {} });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'FST_ERR_VALIDATION' });
    } finally {
      await app.close();
    }
  });
});
