/**
 * Clients that speak pagebound's wire frames (docs/protocol.md) over each transport with one shape,
 * so one conformance suite can run against every transport: hello, send frames, watch what comes
 * back, and fail in the ways networks fail (a drop, a half-open connection).
 */
import WebSocket from 'ws';
import { closeForStatus } from '../../src/protocol/refusals.js';
import type { RenderedPage } from './live-client.js';

export interface FrameClient {
  readonly kind: 'ws' | 'http';
  /** Every server frame received, in order. */
  readonly frames: any[];
  /** How the connection ended: a close code (HTTP statuses are mapped as the runtime maps them). */
  readonly closed: number | undefined;
  /** Opens the connection without saying hello (HTTP has nothing to open). */
  open(): Promise<void>;
  /** Opens the connection and sends `hello{ack}`; resolves with the first answer frame. */
  hello(ack?: number): Promise<any>;
  /** Sends frames in order (one message each over WebSocket, one batch over HTTP). */
  send(...frames: object[]): Promise<void>;
  /** Sends raw text as one message/body. */
  sendRaw(text: string): Promise<void>;
  /** Acks server frames up to `a`: an ack frame (WebSocket) or what later polls carry (HTTP, which otherwise acks all it received). */
  ack(a: number): Promise<void>;
  /** Waits until `predicate` holds over the frames received. */
  until(predicate: (frames: any[]) => boolean, ms?: number): Promise<void>;
  /** The network goes away at once: no close handshake, no more polls. */
  drop(): void;
  /** The peer goes silent without closing: no FIN, no more reads or writes (WebSocket), no polls (HTTP). */
  silence(): void;
  /** Stops reading what the server sends, but keeps talking. */
  stopReading(): void;
  of(t: string): any[];
}

export type FrameClientFactory = (base: string, page: RenderedPage) => FrameClient;

async function until(self: { frames: any[]; closed: number | undefined }, predicate: (f: any[]) => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate(self.frames)) {
    if (Date.now() > deadline) throw new Error(`timeout (closed ${self.closed}); frames: ${JSON.stringify(self.frames).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const wsFrameClient: FrameClientFactory = (base, page) => {
  let ws: WebSocket | undefined;
  const frames: any[] = [];
  const self = {
    kind: 'ws' as const,
    frames,
    closed: undefined as number | undefined,
    async open() {
      ws = new WebSocket(base.replace(/^http/, 'ws') + '/_pagebound/ws', ['pagebound.v1', `pb.sid.${page.id}`], {
        headers: { cookie: page.cookie, origin: base },
      });
      ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
      ws.on('close', (code) => (self.closed = code));
      ws.on('error', () => {});
      await new Promise<void>((resolve, reject) => { ws!.once('open', resolve); ws!.once('error', reject); });
    },
    async hello(ack = 0) {
      await self.open();
      const before = frames.length;
      ws!.send(JSON.stringify({ t: 'hello', v: 1, ack }));
      await until(self, (f) => f.length > before || self.closed !== undefined);
      return frames[before];
    },
    async send(...out: object[]) {
      for (const f of out) ws!.send(JSON.stringify(f));
    },
    async sendRaw(text: string) {
      ws!.send(text);
    },
    async ack(a: number) {
      ws!.send(JSON.stringify({ t: 'ack', a }));
    },
    until: (p: (f: any[]) => boolean, ms?: number) => until(self, p, ms),
    drop() {
      ws?.terminate();
    },
    silence() {
      // Pausing the TCP socket: we read nothing and send nothing, and no FIN goes out.
      const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
      socket.pause();
      ws?.removeAllListeners('ping');
      (ws as unknown as { send: () => void }).send = () => {};
    },
    stopReading() {
      (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    },
    of: (t: string) => frames.filter((f) => f.t === t),
  };
  return self;
};

export const httpFrameClient: FrameClientFactory = (base, page) => {
  const frames: any[] = [];
  let cid = '';
  let polling = false;
  let gone = false;
  let reading = true;
  let lastSeq = 0;
  const abort = new AbortController();
  const post = async (path: string, body: string): Promise<Response> =>
    fetch(base + path, {
      method: 'POST',
      body,
      signal: abort.signal,
      headers: { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: base, ...(cid ? { 'pb-conn': cid } : {}) },
    });
  const self = {
    kind: 'http' as const,
    frames,
    closed: undefined as number | undefined,
    /** What the polls ack: everything received, as the runtime does, until `ack()` sets it by hand. */
    ackedUpTo: 0,
    autoAck: true,
    async take(res: Response) {
      const text = await res.text();
      let got: any[] = [];
      try { got = JSON.parse(text); } catch { /* an error body */ }
      if (Array.isArray(got)) {
        for (const f of got) {
          // A poll resends what was not acked; the runtime drops duplicates, so the record does too.
          if (typeof f.s === 'number') {
            if (f.s <= lastSeq) continue;
            lastSeq = f.s;
          }
          frames.push(f);
        }
      }
      if (!res.ok && self.closed === undefined && res.status !== 429) self.closed = closeForStatus(res.status);
      if (res.status === 429) self.closed = closeForStatus(429);
    },
    async open() {},
    async hello(ack = 0) {
      cid = '';
      const before = frames.length;
      self.ackedUpTo = ack;
      lastSeq = ack;
      await self.take(await post('/_pagebound/http/send', JSON.stringify([{ t: 'hello', v: 1, ack }])));
      const welcome = frames[before];
      if (welcome?.t === 'welcome') {
        cid = welcome.cid;
        self.closed = undefined;
        void self.poll();
      }
      return welcome;
    },
    async poll() {
      if (polling) return;
      polling = true;
      try {
        while (!gone && self.closed === undefined) {
          if (!reading) { await new Promise((r) => setTimeout(r, 20)); continue; }
          const res = await post('/_pagebound/http/poll', JSON.stringify({ a: self.autoAck ? lastSeq : self.ackedUpTo }));
          await self.take(res);
          if (res.status === 409) break;
        }
      } catch {
        // Aborted by drop().
      } finally {
        polling = false;
      }
    },
    async send(...out: object[]) {
      await self.take(await post('/_pagebound/http/send', JSON.stringify(out)));
    },
    async sendRaw(text: string) {
      await self.take(await post('/_pagebound/http/send', text));
    },
    async ack(a: number) {
      self.autoAck = false;
      self.ackedUpTo = a;
    },
    until: (p: (f: any[]) => boolean, ms?: number) => until(self, p, ms),
    drop() {
      gone = true;
      abort.abort();
    },
    silence() {
      gone = true;
      abort.abort();
    },
    stopReading() {
      reading = false;
    },
    of: (t: string) => frames.filter((f) => f.t === t),
  };
  return self;
};
