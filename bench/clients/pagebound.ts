/**
 * A lean Node client for pagebound's live protocol (docs/protocol.md), written for measuring: it
 * keeps no frame log (test/helpers/live-client.ts does, which would grow with every round trip) and
 * behaves like the browser runtime where it matters for the server's work — it acks server frames
 * coalesced over `ackDelayMs` and answers heartbeats — so the server does what it does for a real tab.
 */
import WebSocket from 'ws';
import { bounded, type RpcClient } from './rpc.js';

const ACK_DELAY_MS = 50;

export interface RenderedLivePage { id: string; cookie: string }

/** GETs a live page and returns its page id and the session cookie it belongs to. */
export async function renderLivePage(base: string, path: string, cookie?: string): Promise<RenderedLivePage> {
  const res = await fetch(base + path, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const id = /"id":"((?:[a-z0-9]{1,16}\.)?[A-Za-z0-9_-]{21,64})"/.exec(html)?.[1];
  if (!res.ok || !id) throw new Error(`GET ${path} gave ${res.status} without a live page id`);
  const set = res.headers.get('set-cookie');
  return { id, cookie: set ? set.split(';')[0]! : cookie ?? '' };
}

export class PageboundClient implements RpcClient {
  readonly #ws: WebSocket;
  #outSeq = 0;
  #inLast = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #failure: Error | undefined;
  /** Called with the `re` of each reply; set by call()/burst(). */
  #onReply: ((re: number) => void) | undefined;
  #onFail: ((err: Error) => void) | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  /** Opens the page's WebSocket and completes hello → welcome. */
  static async connect(base: string, page: RenderedLivePage, timeoutMs = 10_000): Promise<PageboundClient> {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/_pagebound/ws', ['pagebound.v1', `pb.sid.${page.id}`], {
      headers: { cookie: page.cookie },
      perMessageDeflate: false,
    });
    const client = new PageboundClient(ws);
    await bounded(timeoutMs, 'pagebound hello', () => new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code} before welcome`)));
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, ack: 0 })));
      ws.once('message', (data) => {
        const f = JSON.parse(data.toString()) as { t: string };
        if (f.t === 'welcome') resolve();
        else reject(new Error(`expected welcome, got ${data.toString()}`));
      });
    })).catch((err) => {
      ws.terminate();
      throw err;
    });
    ws.removeAllListeners();
    ws.on('message', (data) => client.#receive(data.toString()));
    ws.on('close', (code) => client.#fail(new Error(`connection closed ${code}`)));
    ws.on('error', (err) => client.#fail(err));
    return client;
  }

  call(): Promise<void> {
    const s = this.#send();
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#onFail = reject;
      this.#onReply = (re) => { if (re === s) resolve(); };
    });
  }

  burst(n: number, timeoutMs: number): Promise<void> {
    return bounded(timeoutMs, `pagebound burst of ${n}`, () => new Promise<void>((resolve, reject) => {
      let left = n;
      this.#onFail = reject;
      this.#onReply = () => { if (--left === 0) resolve(); };
      for (let i = 0; i < n; i++) this.#send();
    }));
  }

  close(): void {
    clearTimeout(this.#ackTimer);
    this.#ws.removeAllListeners();
    this.#ws.on('error', () => {});
    this.#ws.close(1000);
  }

  #send(): number {
    const s = ++this.#outSeq;
    this.#ws.send(`{"t":"ev","s":${s},"n":"ping","d":${s}}`);
    return s;
  }

  #receive(text: string): void {
    const f = JSON.parse(text) as { t: string; s?: number; re?: number; ok?: boolean; a?: number; reason?: string; code?: string };
    if (typeof f.s === 'number') {
      this.#inLast = f.s;
      this.#scheduleAck();
    }
    switch (f.t) {
      case 're':
        if (f.ok !== true) return this.#fail(new Error(`event failed: ${text}`));
        this.#onReply?.(f.re!);
        return;
      case 'hb':
        // The browser runtime heartbeats on its own timer; answering keeps an idle connection alive the same way.
        this.#ws.send(JSON.stringify({ t: 'hb', a: this.#inLast }));
        return;
      case 'expired':
      case 'refused':
        return this.#fail(new Error(`server sent ${text}`));
    }
  }

  #scheduleAck(): void {
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ t: 'ack', a: this.#inLast }));
    }, ACK_DELAY_MS);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    this.#onFail?.(err);
  }
}
