/**
 * Hardening items of the wire layer (#9 items 2, 4, 5c, 8, 11), each against a real pagebound
 * process with real clients: a client that never reads, unread stream bytes over HTTP, a handler
 * that never settles, the page-id oracle, and warnings a client can multiply. After each attack the
 * process is alive and a well-behaved page still gets every event in order. Memory cases assert a
 * bound on RSS growth while the attack runs.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { renderLive, WsClient } from '../helpers/live-client.js';
import { expectStillServing, inParallel, request, startPagebound, type Started } from './harness.js';

/** RSS of a process, bytes (Linux). */
const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const MiB = 1024 * 1024;

let server: Started;
beforeAll(async () => {
  server = await startPagebound({ options: { eventTimeoutMs: 500, maxInstances: 5_000, maxIdlePagesPerAddress: 5_000 } });
});
afterAll(() => server.stop());

describe('wire-layer attacks (production server)', () => {
  it('item 2: a client that sends events and never reads is cut off; server memory stays bounded (< 100 MiB growth)', async () => {
    const page = await renderLive(server.url, '/wire');
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/_pagebound/ws', ['pagebound.v1', `pb.sid.${page.id}`], {
      headers: { cookie: page.cookie, origin: server.url },
    });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.send(JSON.stringify({ t: 'hello', v: 1, ack: 0 }));
    // From here on the client reads nothing at all.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const before = rssOf(server.pid);
    let peak = before;
    // Each `big` makes the server send ~1 MB back: 300 of them would be ~300 MB held for this client.
    for (let s = 1; s <= 300; s++) {
      ws.send(JSON.stringify({ t: 'ev', s, n: 'big' }));
      if (s % 20 === 0) {
        await new Promise((r) => setTimeout(r, 50));
        peak = Math.max(peak, rssOf(server.pid));
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    peak = Math.max(peak, rssOf(server.pid));
    expect(peak - before).toBeLessThan(100 * MiB);
    ws.terminate();
    await expectStillServing(server);
  }, 60_000);

  it('item 4: stream bytes nobody reads are bounded per page over HTTP, and a frame over maxFrameBytes is refused (< 120 MiB growth for 300 pages)', async () => {
    const chunk = Buffer.alloc(45_000, 7).toString('base64'); // ~60 KB of base64: one frame under 64 KiB
    const huge = Buffer.alloc(800_000, 7).toString('base64');
    const before = rssOf(server.pid);
    const statuses = new Map<number, number>();
    let tooLarge = 0;
    await inParallel(300, 10, async () => {
      const page = await renderLive(server.url, '/wire');
      const headers = { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.url };
      const hello = await request(`${server.url}/_pagebound/http/send`, { method: 'POST', headers, body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]) });
      const cid = JSON.parse(hello.body)[0].cid as string;
      const one = await request(`${server.url}/_pagebound/http/send`, {
        method: 'POST', headers: { ...headers, 'pb-conn': cid }, body: JSON.stringify([{ t: 'sd', s: 1, b: huge }]),
      });
      if (one.status === 413) tooLarge++;
      const batch = Array.from({ length: 16 }, (_, i) => ({ t: 'sd', s: i + 1, b: chunk }));
      const res = await request(`${server.url}/_pagebound/http/send`, {
        method: 'POST', headers: { ...headers, 'pb-conn': cid }, body: JSON.stringify(batch),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    const grown = rssOf(server.pid) - before;
    // One ~800 KB frame: refused, not held. Sixteen 45 KB ones: the page takes what fits under maxStreamBytes.
    expect(tooLarge).toBe(300);
    expect([...statuses.keys()]).toEqual([429]);
    expect(grown).toBeLessThan(120 * MiB);
    await expectStillServing(server);
  }, 120_000);

  it('item 5c: a handler that never settles is answered PB_ERR_EVENT_TIMEOUT, its signal aborts, and the page takes its next event', async () => {
    const page = await renderLive(server.url, '/wire');
    const c = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.url });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    c.send({ t: 'ev', s: 1, n: 'stuck' });
    c.send({ t: 'ev', s: 2, n: 'ping', d: 'next' });
    await c.until((f) => f.filter((x) => x.t === 're').length === 2, 10_000);
    expect(c.of('re').map((f) => [f.re, f.ok, f.ok ? f.d : f.e.code])).toEqual([
      [1, false, 'PB_ERR_EVENT_TIMEOUT'],
      [2, true, ['pong', 'next']],
    ]);
    await expect.poll(() => server.output()).toMatch(/stuck-handler-aborted key=[\w-]{10}:1/);
    c.close();
    await expectStillServing(server);
  });

  it('item 8: a live id without its cookie gets exactly the answer an unknown id gets, on both transports', async () => {
    const victim = await renderLive(server.url, '/live');
    const attacker = await renderLive(server.url, '/live');
    const hello = (id: string) => request(`${server.url}/_pagebound/http/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', sessionid: id, cookie: attacker.cookie, origin: server.url },
      body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]),
    });
    const [live, unknown] = [await hello(victim.id), await hello('Q'.repeat(21))];
    expect([live.status, live.body]).toEqual([unknown.status, unknown.body]);
    const wsAnswer = async (id: string) => {
      const c = new WsClient(server.url, id, { cookie: attacker.cookie, origin: server.url });
      await c.opened;
      c.send({ t: 'hello', v: 1, ack: 0 });
      const closed = await c.done;
      return JSON.stringify([c.frames, closed.code]);
    };
    expect(await wsAnswer(victim.id)).toBe(await wsAnswer('Q'.repeat(21)));
    await expectStillServing(server);
  });

  it('item 11: undeclared events cost the log a few lines per page, not one each', async () => {
    const page = await renderLive(server.url, '/live');
    const c = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.url });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    const linesBefore = server.output().split('\n').filter((l) => l.includes('undeclared event')).length;
    for (let s = 1; s <= 500; s++) c.send({ t: 'ev', s, n: 'not_declared_here' });
    await c.until((f) => f.filter((x) => x.t === 're').length === 500, 15_000);
    expect(c.of('re').every((f) => f.e?.code === 'PB_ERR_EVENT_UNKNOWN')).toBe(true);
    const lines = server.output().split('\n').filter((l) => l.includes('undeclared event')).length - linesBefore;
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThanOrEqual(10);
    expect(server.output()).not.toContain('not_declared_here');
    c.close();
    await expectStillServing(server);
  });
});
