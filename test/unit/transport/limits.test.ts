/**
 * The named limits of the live protocol, each at a small value, through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, WsClient, type RenderedPage } from '../../helpers/live-client.js';
import { logIdOf } from '../../../src/page/page-instance.js';

let server: TestServer;
let logs = '';
const clients: WsClient[] = [];

beforeAll(async () => {
  const stream = new Writable({ write(chunk, _enc, cb) { logs += chunk.toString(); cb(); } });
  server = await startServer({
    pagesDir: fixture('site'), maxFrameBytes: 1024, replayMaxFrames: 1000, replayMaxBytes: 2000, pollMaxBytes: 600,
    logger: { level: 'info', stream },
  });
});
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await server.close();
});

async function attach(page: RenderedPage, ack = 0): Promise<WsClient> {
  const c = new WsClient(server.url, page.id, { origin: server.origin, cookie: page.cookie });
  clients.push(c);
  await c.opened;
  c.send({ t: 'hello', v: 1, ack });
  await c.until((f) => f.some((x) => ['welcome', 'expired', 'refused'].includes(x.t)));
  return c;
}
const post = (path: string, page: RenderedPage, body: unknown, extra: Record<string, string> = {}) =>
  fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.origin, ...extra },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('protocol limits', () => {
  it('maxFrameBytes: a larger WebSocket frame closes the connection with 1009; the page survives', async () => {
    const page = await renderLive(server.url, '/push');
    const c = await attach(page);
    c.send({ t: 'ev', s: 1, n: 'echo', d: 'x'.repeat(2000) });
    expect((await c.done).code).toBe(1009);
    expect(server.app.pagebound.registry.get(page.id)?.closed).toBe(false);
  });

  it('maxFrameBytes: an HTTP batch larger than 16 frames\' worth is refused with 413', async () => {
    const page = await renderLive(server.url, '/push');
    const res = await post('/_pagebound/http/send', page, [{ t: 'hello', v: 1, ack: 0, pad: 'x'.repeat(20_000) }]);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PB_ERR_FRAME_TOO_LARGE' });
  });

  it('replayMaxBytes: pushes beyond the byte window are trimmed, and a resume that needs them is expired', async () => {
    const page = await renderLive(server.url, '/push');
    const c1 = await attach(page);
    c1.send({ t: 'ev', s: 1, n: 'burst', d: { n: 20, size: 200 } }); // ~20 × 230 bytes > 2000
    await c1.until((f) => f.some((x) => x.t === 're'));
    c1.ws.terminate();
    const c2 = await attach(page, 0);
    expect(c2.frames).toEqual([{ t: 'expired', reason: 'replay-overflow' }]);
    expect(server.app.pagebound.endpoints.of(server.app.pagebound.registry.get(page.id)!)!.buffered).toBeLessThanOrEqual(9);
  });

  it('pollMaxBytes: a long-poll answer carries at most the cap; the next poll continues where it stopped', async () => {
    const page = await renderLive(server.url, '/push');
    const [welcome] = await (await post('/_pagebound/http/send', page, [{ t: 'hello', v: 1, ack: 0 }])).json();
    const h = { 'pb-conn': welcome.cid };
    await post('/_pagebound/http/send', page, [{ t: 'ev', s: 1, n: 'burst', d: { n: 6 } }], h);
    const seen: number[] = [];
    for (let i = 0; i < 10 && seen.length < 7; i++) {
      const res = await post('/_pagebound/http/poll', page, { a: seen.at(-1) ?? 0 }, h);
      const text = await res.text();
      const frames = JSON.parse(text).filter((f: any) => typeof f.s === 'number');
      expect(text.length).toBeLessThanOrEqual(600 + 200); // the cap, plus any control frames
      seen.push(...frames.map((f: any) => f.s));
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('live endpoints', () => {
  it('goodbye closes a page only for the session that owns it', async () => {
    const page = await renderLive(server.url, '/push');
    const other = await renderLive(server.url, '/push');
    const bye = (cookie: string) => fetch(server.url + '/_pagebound/bye', {
      method: 'POST', headers: { 'content-type': 'text/plain', cookie, origin: server.origin }, body: page.id,
    });
    expect((await bye(other.cookie)).status).toBe(204);
    expect(server.app.pagebound.registry.get(page.id)?.closed).toBe(false);
    expect((await bye(page.cookie)).status).toBe(204);
    expect(server.app.pagebound.registry.get(page.id)).toBeUndefined();
  });

  it('open: refuses a foreign Origin and an unknown socket module with typed errors', async () => {
    const foreign = await fetch(server.url + '/_pagebound/open', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"path":"/x"}',
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'PB_ERR_ORIGIN' });
    const unknown = await fetch(server.url + '/_pagebound/open', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: server.origin }, body: '{"path":"/nope"}',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'PB_ERR_NOT_FOUND' });
  });
});

describe('logs', () => {
  it('name a failing handler\'s route and a digest of the page id, never the page id itself', async () => {
    const page = await renderLive(server.url, '/lifecycle');
    const c = await attach(page);
    c.send({ t: 'ev', s: 1, n: 'fail' });
    await c.until((f) => f.some((x) => x.t === 're'));
    expect(logs).toContain('handler exploded');
    expect(logs).toContain(`"page":"${logIdOf(page.id)}"`);
    expect(logs).toContain('"route":"/lifecycle"');
    expect(logs).not.toContain(page.id);
  });
});
