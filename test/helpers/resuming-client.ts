/**
 * An independent Node implementation of the client side of docs/protocol.md — sequence numbers,
 * acks, resume and resend — over either transport. Chaos tests use it as "a real Node client"
 * whose logs are compared with the server's; it shares no code with runtime-client/.
 */
import WebSocket from 'ws';

type Frame = Record<string, any>;
export type TransportKind = 'ws' | 'http';

export class ResumingClient {
  /** Server events in the order processed, exactly once each. */
  readonly received: Frame[] = [];
  connects = 0;
  expired: string | undefined;
  #lastIn = 0;
  #nextOut = 1;
  #unacked: Frame[] = [];
  #ws: WebSocket | undefined;
  #cid: string | undefined;
  #live = false;
  #stopped = false;
  #onFrame: Array<() => void> = [];

  constructor(
    readonly base: string,
    readonly id: string,
    readonly cookie: string,
    readonly transport: TransportKind,
    /** Wait before reconnect attempt `n` (0 first), ms. Default 20–100 ms, quick for tests. */
    readonly retryDelay: (attempt: number) => number = () => 20 + Math.random() * 80,
  ) {}

  /** Failed or lost connections since the last welcome. */
  #attempt = 0;

  get headers(): Record<string, string> {
    return { cookie: this.cookie, origin: this.base, sessionid: this.id, 'content-type': 'application/json' };
  }

  start(): void {
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.#ws?.terminate();
  }

  /** Queues an event; it is sent now if connected, else on resume. */
  send(n: string, d: unknown): void {
    const frame = { t: 'ev', s: this.#nextOut++, n, d };
    this.#unacked.push(frame);
    if (this.#live) this.#transmit([frame]);
  }

  get unacked(): number {
    return this.#unacked.length;
  }

  async until(predicate: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (this.expired) throw new Error(`expired: ${this.expired}`);
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.#onFrame.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  #accept(frame: Frame): void {
    if (typeof frame.s === 'number') {
      if (frame.s <= this.#lastIn) return; // duplicate from a replay
      if (frame.s !== this.#lastIn + 1) throw new Error(`gap: got ${frame.s} after ${this.#lastIn}`);
      this.#lastIn = frame.s;
      this.received.push(frame);
    } else if (frame.t === 'ack') {
      this.#unacked = this.#unacked.filter((f) => f.s > frame.a);
    } else if (frame.t === 'expired' || frame.t === 'refused') {
      this.expired = frame.reason ?? frame.code;
      this.#stopped = true;
    }
    for (const w of this.#onFrame.splice(0)) w();
  }

  #welcome(frame: Frame): void {
    this.connects++;
    this.#attempt = 0;
    this.#unacked = this.#unacked.filter((f) => f.s > frame.ack);
    this.#cid = frame.cid;
    this.#live = true;
    if (this.#unacked.length) this.#transmit([...this.#unacked]);
  }

  #transmit(frames: Frame[]): void {
    if (this.transport === 'ws') {
      for (const f of frames) this.#ws?.send(JSON.stringify(f));
    } else {
      this.#httpQueue.push(...frames);
      void this.#flushHttp();
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.transport === 'ws') await this.#runWs();
        else await this.#runHttp();
      } catch {
        // A cut connection: resume below.
      }
      this.#live = false;
      if (!this.#stopped) await new Promise((r) => setTimeout(r, this.retryDelay(this.#attempt++)));
    }
  }

  #runWs(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.base.replace(/^http/, 'ws') + '/_pagebound/ws', ['pagebound.v1', `pb.sid.${this.id}`], {
        headers: { cookie: this.cookie, origin: this.base },
      });
      this.#ws = ws;
      let ackTimer: ReturnType<typeof setTimeout> | undefined;
      ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, ack: this.#lastIn })));
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.t === 'welcome') return this.#welcome(frame);
        this.#accept(frame);
        if (typeof frame.s === 'number' && !ackTimer) {
          ackTimer = setTimeout(() => {
            ackTimer = undefined;
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'ack', a: this.#lastIn }));
          }, 20);
        }
      });
      ws.on('error', () => {});
      ws.on('close', () => { clearTimeout(ackTimer); resolve(); });
    });
  }

  #httpQueue: Frame[] = [];
  #sending = false;

  async #post(path: string, body: unknown, extra: Record<string, string> = {}): Promise<{ status: number; frames: Frame[] }> {
    const res = await fetch(this.base + path, {
      method: 'POST', headers: { ...this.headers, ...extra }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, frames: text.startsWith('[') ? JSON.parse(text) : [] };
  }

  async #flushHttp(): Promise<void> {
    if (this.#sending || !this.#live) return;
    this.#sending = true;
    try {
      while (this.#httpQueue.length && this.#live) {
        const batch = this.#httpQueue.splice(0, 100);
        try {
          const { status, frames } = await this.#post('/_pagebound/http/send', batch, { 'pb-conn': this.#cid! });
          if (status !== 200) throw new Error(String(status));
          for (const f of frames) this.#accept(f);
        } catch {
          // Unknown whether it arrived: the resume's welcome.ack decides what to resend.
          this.#httpQueue.length = 0;
          this.#live = false;
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  async #runHttp(): Promise<void> {
    this.#httpQueue.length = 0;
    const hello = await this.#post('/_pagebound/http/send', [{ t: 'hello', v: 1, ack: this.#lastIn }]);
    const first = hello.frames[0];
    if (!first || first.t !== 'welcome') {
      if (first) this.#accept(first);
      return;
    }
    this.#welcome(first);
    while (this.#live && !this.#stopped) {
      const { status, frames } = await this.#post('/_pagebound/http/poll', { a: this.#lastIn }, { 'pb-conn': this.#cid! });
      if (status !== 200) return;
      for (const f of frames) this.#accept(f);
    }
  }
}
