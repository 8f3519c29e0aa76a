/**
 * One conformance suite for every transport (as Hono runs one router suite against each router):
 * handshake, resume after a drop at each step, replacement, heartbeat timeout (a half-open
 * connection told apart from an idle one), backpressure both ways, oversize frames and every
 * refusal. A new transport passes this by adding a FrameClient for it and one line of test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, type RenderedPage } from '../../helpers/live-client.js';
import type { FrameClient, FrameClientFactory } from '../../helpers/frame-clients.js';

const HB = 200;
const HB_TIMEOUT = 800;

export function runTransportConformance(kind: 'ws' | 'http', make: FrameClientFactory): void {
  describe(`transport conformance: ${kind}`, () => {
    let server: TestServer;
    const clients: FrameClient[] = [];
    beforeAll(async () => {
      server = await startServer({
        pagesDir: fixture('conformance'), heartbeatMs: HB, heartbeatTimeoutMs: HB_TIMEOUT, maxFrameBytes: 4096,
        maxMailbox: 4, replayMaxFrames: 10_000, replayMaxBytes: 32 << 20, pollMs: 400, pollMaxBytes: 8192,
        maxBufferedBytes: 256 * 1024, maxStreamBytes: 32768,
      });
    });
    afterAll(async () => {
      for (const c of clients) c.drop();
      await server.close();
    });

    const page = () => renderLive(server.url, '/wire');
    const client = (p: RenderedPage): FrameClient => {
      const c = make(server.url, p);
      clients.push(c);
      return c;
    };
    const instance = (p: RenderedPage) => server.app.pagebound.registry.get(p.id);
    const endpoint = (p: RenderedPage) => {
      const i = instance(p);
      return i && server.app.pagebound.endpoints.of(i);
    };
    const replies = (c: FrameClient) => c.of('re').map((f) => f.re);
    const release = (p: RenderedPage) => (globalThis as any).__pbRelease?.get(p.id)?.();

    /**
     * Sends events 1..n like the runtime: on a refusal or drop it says hello again and resends what
     * the server has not accepted (welcome.ack), until every event has its reply.
     */
    async function deliverAll(p: RenderedPage, n: number, name = 'echo'): Promise<FrameClient[]> {
      const used: FrameClient[] = [];
      const got = new Set<number>();
      for (let attempt = 0; attempt < 40 && got.size < n; attempt++) {
        const c = client(p);
        used.push(c);
        const welcome = await c.hello(0);
        expect(welcome.t).toBe('welcome');
        const events = [];
        for (let s = welcome.ack + 1; s <= n; s++) events.push({ t: 'ev', s, n: name, d: s });
        await c.send(...events);
        await c.until((f) => f.filter((x) => x.t === 're').length + got.size >= n || c.closed !== undefined, 5000).catch(() => {});
        for (const r of c.of('re')) got.add(r.re);
        if (got.size < n) {
          c.drop();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(got.size).toBe(n);
      return used;
    }

    it('handshake: hello is answered welcome{v, ack, hb}, and an event gets its reply', async () => {
      const p = await page();
      const c = client(p);
      const welcome = await c.hello();
      expect(welcome).toMatchObject({ t: 'welcome', v: 1, ack: 0, hb: HB });
      await c.send({ t: 'ev', s: 1, n: 'echo', d: { hi: 'there' } });
      await c.until((f) => f.some((x) => x.t === 're'));
      expect(c.of('re')).toEqual([{ t: 're', s: 1, re: 1, ok: true, d: { hi: 'there' } }]);
      expect(instance(p)?.lifecycle).toBe('connected');
    });

    it('resume after a drop with events in flight: each event runs once and each reply arrives once', async () => {
      const p = await page();
      const first = client(p);
      await first.hello();
      await first.send(...[1, 2, 3, 4, 5].map((s) => ({ t: 'ev', s, n: 'echo', d: s })));
      first.drop();
      const second = client(p);
      const welcome = await second.hello(0);
      // The server says which events it accepted; the client resends only the rest.
      expect(welcome.ack).toBeGreaterThanOrEqual(0);
      await second.send(...[1, 2, 3, 4, 5].filter((s) => s > welcome.ack).map((s) => ({ t: 'ev', s, n: 'echo', d: s })));
      await second.until((f) => f.filter((x) => x.t === 're').length === 5);
      expect(replies(second)).toEqual([1, 2, 3, 4, 5]);
      expect(second.of('re').map((f) => f.s)).toEqual([1, 2, 3, 4, 5]);
    });

    it('resume after a drop with pushes unacked: the replay is exactly the frames after the client\'s ack', async () => {
      const p = await page();
      const first = client(p);
      await first.hello();
      first.stopReading();
      await first.send({ t: 'ev', s: 1, n: 'burst', d: { n: 10 } });
      await expect.poll(() => endpoint(p)?.lastSent).toBe(11);
      await first.ack(6);
      first.drop();
      const second = client(p);
      expect(await second.hello(6)).toMatchObject({ t: 'welcome', ack: 1 });
      await second.until((f) => f.filter((x) => typeof x.s === 'number').length === 5);
      expect(second.frames.filter((x) => typeof x.s === 'number').map((x) => x.s)).toEqual([7, 8, 9, 10, 11]);
    });

    it('replacement: a second hello takes the page over and the first connection ends', async () => {
      const p = await page();
      const first = client(p);
      await first.hello();
      const second = client(p);
      await second.hello();
      await first.until(() => first.closed !== undefined, 3000);
      // WebSocket: 4409, ended quietly; HTTP: the old connection's poll is answered 409 and the runtime says hello again.
      expect(first.closed).toBe(kind === 'ws' ? 4409 : 1006);
      await second.send({ t: 'ev', s: 1, n: 'echo', d: 'mine' });
      await second.until((f) => f.some((x) => x.t === 're'));
      expect(first.of('re')).toEqual([]);
    });

    it('a half-open connection is dropped after heartbeatTimeoutMs and the page kept for a resume', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      c.silence();
      await expect.poll(() => instance(p)?.lifecycle, { timeout: HB_TIMEOUT * 5, interval: 50 }).toBe('disconnected');
      const back = client(p);
      expect(await back.hello(0)).toMatchObject({ t: 'welcome' });
    });

    it('an idle connection whose client keeps heartbeating is never dropped', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      const until = Date.now() + HB_TIMEOUT * 3;
      while (Date.now() < until) {
        // What the runtime does on an idle page: hb every interval (HTTP: its polls).
        if (kind === 'ws') await c.send({ t: 'hb', a: 0 });
        await new Promise((r) => setTimeout(r, HB / 2));
      }
      expect(instance(p)?.lifecycle).toBe('connected');
      expect(c.closed).toBeUndefined();
      // And the server heartbeats an idle WebSocket itself.
      if (kind === 'ws') expect(c.of('hb').length).toBeGreaterThan(0);
    });

    it('backpressure client → server: a page that falls behind takes no more than its mailbox allows, and every event still runs once', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      await c.send({ t: 'ev', s: 1, n: 'block' });
      await new Promise((r) => setTimeout(r, 100));
      await c.send(...Array.from({ length: 30 }, (_, i) => ({ t: 'ev', s: i + 2, n: 'echo', d: i + 2 })));
      await new Promise((r) => setTimeout(r, 200));
      // The mailbox never holds more than twice maxMailbox (4): the rest waits in TCP or is refused unaccepted.
      expect(instance(p)!.mailboxSize).toBeLessThanOrEqual(8);
      if (kind === 'http') expect(c.closed).toBe(4429);
      release(p);
      await deliverAll(p, 31);
    });

    it('backpressure server → client: a client that stops reading does not make the server hold without bound, and resumes without loss', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      c.stopReading();
      // ~8 MB of pushes: more than loopback's socket buffers plus maxBufferedBytes (256 KiB).
      await c.send({ t: 'ev', s: 1, n: 'burst', d: { n: 160, size: 50_000 } });
      if (kind === 'ws') {
        // Dropped past maxBufferedBytes (close 4000, then cut: the client is not reading its close frame).
        await expect.poll(() => instance(p)?.lifecycle, { timeout: 15_000 }).toBe('disconnected');
        expect(endpoint(p)?.connection).toBeNull();
      } else {
        // HTTP sends only what a poll asks for, at most pollMaxBytes each: nothing piles up outside the replay buffer.
        await new Promise((r) => setTimeout(r, 300));
        expect(instance(p)?.lifecycle).toBe('connected');
        c.drop();
      }
      const back = client(p);
      await back.hello(0);
      await back.until((f) => f.filter((x) => typeof x.s === 'number').length === 161, 20_000);
      const seqs = back.frames.filter((x) => typeof x.s === 'number').map((x) => x.s);
      expect(seqs).toEqual(Array.from({ length: 161 }, (_, i) => i + 1));
    });

    it('an upload sent faster than maxStreamBytes allows is taken whole: the transport waits for the disk, never refuses it', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      const bytes = Buffer.from(Array.from({ length: 100 * 2048 }, (_, i) => (i * 7) & 0xff));
      await c.send({ t: 'ev', s: 1, n: 'pb:upload', d: { event: 'upload', files: [{ field: 'f', name: 'a.bin', size: bytes.length, type: '' }] } });
      await c.until((f) => f.some((x) => x.t === 're' && x.re === 1));
      const { d } = c.of('re').find((x) => x.re === 1);
      // 100 frames of 2 KiB (the suite's maxFrameBytes is 4 KiB), 40 KiB per burst of messages or
      // HTTP body: more than the suite's maxStreamBytes each, faster than the disk takes them.
      const frames = Array.from({ length: 100 }, (_, i) => ({ t: 'up', s: i + 2, u: d.u, b: bytes.subarray(i * 2048, (i + 1) * 2048).toString('base64') }));
      // A burst at a time, the next once the last is acked and on disk: each burst alone is more
      // than maxStreamBytes, and one TCP read can carry all of it (past the pause, within 2 ×).
      for (let i = 0; i < frames.length; i += 20) {
        const burst = frames.slice(i, i + 20);
        await c.send(...burst);
        await c.until((f) => f.some((x) => (x.t === 'ack' || x.t === 'hb') && x.a >= burst.at(-1)!.s));
        await expect.poll(() => instance(p)?.streamBacklog).toBe(0);
      }
      await c.send({ t: 'ev', s: 102, n: 'upload', d: { 'pb:upload': d.u } });
      await c.until((f) => f.some((x) => x.t === 're' && x.re === 102), 10_000);
      const { createHash } = await import('node:crypto');
      expect(c.of('re').find((x) => x.re === 102)).toMatchObject({ ok: true, d: [createHash('sha256').update(bytes).digest('hex')] });
      expect(c.closed).toBeUndefined();
    });

    it('an oversize frame is refused (WebSocket 1009, HTTP 413) and the page goes on', async () => {
      const p = await page();
      const c = client(p);
      await c.hello();
      await c.send({ t: 'ev', s: 1, n: 'echo', d: 'x'.repeat(5000) });
      await c.until(() => c.closed !== undefined, 3000);
      expect(c.closed).toBe(1009);
      await deliverAll(p, 2);
    });

    it('refuses a first frame that is not hello (4403 / 403)', async () => {
      const p = await page();
      const c = client(p);
      await c.open();
      await c.send({ t: 'ev', s: 1, n: 'echo' });
      await c.until((f) => f.length > 0 && c.closed !== undefined, 3000);
      expect(c.frames).toEqual([{ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' }]);
      expect(c.closed).toBe(4403);
    });

    it('refuses a malformed frame and a sequence gap with PB_ERR_PROTOCOL (4400 / 400)', async () => {
      for (const bad of ['{"t":"nope"}', '[1,2', JSON.stringify({ t: 'ev', s: 3, n: 'echo' })]) {
        const p = await page();
        const c = client(p);
        await c.hello();
        await c.sendRaw(kind === 'http' ? `[${bad}]` : bad);
        await c.until(() => c.closed !== undefined, 3000);
        expect(c.closed).toBe(4400);
        expect(instance(p)?.closed).toBe(false);
      }
    });

    it('answers an unknown id, another session\'s id and a closed page with expired, alike for the first two', async () => {
      const victim = await page();
      const attacker = await page();
      const stolen = client({ ...victim, cookie: attacker.cookie });
      const unknown = client({ ...victim, id: 'A'.repeat(21) });
      expect(await stolen.hello()).toEqual({ t: 'expired', reason: 'unknown' });
      expect(await unknown.hello()).toEqual({ t: 'expired', reason: 'unknown' });
      await stolen.until(() => stolen.closed !== undefined);
      await unknown.until(() => unknown.closed !== undefined);
      expect([stolen.closed, unknown.closed]).toEqual([4410, 4410]);
      expect(instance(victim)?.closed).toBe(false);

      const gone = await page();
      const c = client(gone);
      await c.hello();
      await c.send({ t: 'bye' });
      await expect.poll(() => instance(gone)).toBeUndefined();
      const late = client(gone);
      expect(await late.hello()).toMatchObject({ t: 'expired' });
    });
  });
}

