/**
 * Live-form uploads against a forged client on a real server: a traversal file name, bytes past the
 * declared size, a slowloris upload, and many pages reserving more than the disk quota. What must
 * hold: nothing is written outside the process's private folder, nothing past what was declared,
 * a stalled upload gives its disk back, the quota holds across pages, and one session's pages hold
 * at most their share of it, so other sessions can still upload.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive } from '../helpers/live-client.js';
import { wsFrameClient, type FrameClient } from '../helpers/frame-clients.js';

describe('uploads from a forged client', () => {
  let server: TestServer;
  let dir: string;
  const clients: FrameClient[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pb-upload-sec-'));
    server = await startServer({ pagesDir: fixture('conformance'), dev: false, uploadDir: dir, maxUploadDiskBytes: 1000, maxUploadDiskBytesPerSession: 900, uploadIdleMs: 300 });
  });
  afterAll(async () => {
    for (const c of clients) c.drop();
    await server.close();
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function connected(): Promise<FrameClient> {
    const c = wsFrameClient(server.url, await renderLive(server.url, '/wire'));
    clients.push(c);
    expect((await c.hello()).t).toBe('welcome');
    return c;
  }
  async function reply(c: FrameClient, s: number): Promise<any> {
    await c.until((f) => f.some((x) => x.t === 're' && x.re === s));
    return c.of('re').find((x) => x.re === s);
  }
  const begin = (c: FrameClient, s: number, name: string, size: number) =>
    c.send({ t: 'ev', s, n: 'pb:upload', d: { event: 'upload', files: [{ field: 'f', name, size, type: 'text/plain' }] } });
  const files = () => readdirSync(dir).flatMap((d) => readdirSync(path.join(dir, d)));

  it('a traversal name writes only a random name in the private folder; bytes past the declared size fail the upload', async () => {
    const c = await connected();
    await begin(c, 1, '../../../../../../tmp/pwned.txt', 10);
    const { d } = await reply(c, 1);
    await c.send({ t: 'up', s: 2, u: d.u, b: Buffer.from('0123456789EXTRA').toString('base64') }, { t: 'ev', s: 3, n: 'upload', d: { 'pb:upload': d.u } });
    expect((await reply(c, 3)).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    expect(existsSync('/tmp/pwned.txt')).toBe(false);
    expect(files()).toEqual([]);
    expect(c.closed).toBeUndefined();
  });

  it('a stalled (slowloris) upload fails after uploadIdleMs and gives its disk back', async () => {
    const c = await connected();
    await begin(c, 1, 'slow.txt', 900);
    const { d } = await reply(c, 1);
    await c.send({ t: 'up', s: 2, u: d.u, b: Buffer.from('x').toString('base64') });
    await expect.poll(() => server.app.pagebound.uploads.reserved, { timeout: 3000 }).toBe(0);
    await c.send({ t: 'ev', s: 3, n: 'upload', d: { 'pb:upload': d.u } });
    expect((await reply(c, 3)).e).toMatchObject({ code: 'PB_ERR_UPLOAD_TIMEOUT' });
  });

  it('pages together cannot reserve more than maxUploadDiskBytes', async () => {
    const pages = await Promise.all([connected(), connected(), connected()]);
    const answers = [];
    for (const c of pages) {
      await begin(c, 1, 'big.txt', 400);
      answers.push((await reply(c, 1)).ok ? 'granted' : (await reply(c, 1)).e.code);
    }
    expect(answers).toEqual(['granted', 'granted', 'PB_ERR_UPLOAD_QUOTA']);
    // Closing a page gives its reservation back to the others.
    await pages[0]!.send({ t: 'bye' });
    await expect.poll(() => server.app.pagebound.uploads.reserved).toBe(400);
    await begin(pages[2]!, 2, 'big.txt', 400);
    expect((await reply(pages[2]!, 2)).ok).toBe(true);
  });
});

describe('one session\'s share of the upload disk', () => {
  let server: TestServer;
  let dir: string;
  const clients: FrameClient[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pb-upload-share-'));
    // Uploads kept waiting (a long uploadIdleMs): the slow uploads a greedy session would keep alive.
    server = await startServer({
      pagesDir: fixture('conformance'), dev: false, uploadDir: dir, maxUploadDiskBytes: 1000, maxUploadDiskBytesPerSession: 500, uploadIdleMs: 60_000,
    });
  });
  afterAll(async () => {
    for (const c of clients) c.drop();
    await server.close();
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function pageOf(cookie?: string): Promise<{ c: FrameClient; cookie: string; id: string }> {
    const page = await renderLive(server.url, '/wire', cookie);
    const c = wsFrameClient(server.url, page);
    clients.push(c);
    expect((await c.hello()).t).toBe('welcome');
    return { c, cookie: page.cookie, id: page.id };
  }
  async function upload(c: FrameClient, s: number, size: number): Promise<string> {
    await c.send({ t: 'ev', s, n: 'pb:upload', d: { event: 'upload', files: [{ field: 'f', name: 'slow.txt', size, type: 'text/plain' }] } });
    await c.until((f) => f.some((x) => x.t === 're' && x.re === s));
    const r = c.of('re').find((x) => x.re === s);
    return r.ok ? 'granted' : r.e.code;
  }

  it('one session\'s pages fill only their share; another session can still upload', async () => {
    const first = await pageOf();
    expect(first.cookie).not.toBe('');
    const greedy = [first, await pageOf(first.cookie), await pageOf(first.cookie)];
    const answers = [];
    for (const p of greedy) answers.push(await upload(p.c, 1, 250));
    expect(answers).toEqual(['granted', 'granted', 'PB_ERR_UPLOAD_SESSION_QUOTA']);
    const session = server.app.pagebound.registry.get(first.id)!.sessionId;
    expect(server.app.pagebound.uploads.reservedBy(session)).toBe(500);
    // Another user still gets the rest of the disk.
    const other = await pageOf();
    expect(await upload(other.c, 1, 500)).toBe('granted');
    // A greedy page that closes gives its share back to its session.
    await greedy[0]!.c.send({ t: 'bye' });
    await expect.poll(() => server.app.pagebound.uploads.reserved).toBe(750);
    expect(await upload(greedy[2]!.c, 2, 250)).toBe('granted');
  });
});
