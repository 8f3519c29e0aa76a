/**
 * Client for bench/servers/ws-echo.ts: the same frame text as the pagebound client, over plain ws.
 */
import WebSocket from 'ws';
import { bounded, type RpcClient } from './rpc.js';

export class RawWsClient implements RpcClient {
  readonly #ws: WebSocket;
  #seq = 0;
  #onReply: ((re: number) => void) | undefined;
  #onFail: ((err: Error) => void) | undefined;
  #failure: Error | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => this.#onReply?.((JSON.parse(data.toString()) as { re: number }).re));
    ws.on('close', (code) => this.#fail(new Error(`connection closed ${code}`)));
    ws.on('error', (err) => this.#fail(err));
  }

  /** Opens the socket and completes one round trip, so the server has done per-connection work. */
  static async connect(base: string, timeoutMs = 10_000): Promise<RawWsClient> {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/', { perMessageDeflate: false });
    await bounded(timeoutMs, 'ws open', () => new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    })).catch((err) => {
      ws.terminate();
      throw err;
    });
    const client = new RawWsClient(ws);
    await bounded(timeoutMs, 'ws first reply', () => client.call());
    return client;
  }

  call(): Promise<void> {
    const s = ++this.#seq;
    this.#ws.send(`{"t":"ev","s":${s},"n":"ping","d":${s}}`);
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#onFail = reject;
      this.#onReply = (re) => { if (re === s) resolve(); };
    });
  }

  burst(n: number, timeoutMs: number): Promise<void> {
    return bounded(timeoutMs, `ws burst of ${n}`, () => new Promise<void>((resolve, reject) => {
      let left = n;
      this.#onFail = reject;
      this.#onReply = () => { if (--left === 0) resolve(); };
      for (let i = 0; i < n; i++) {
        const s = ++this.#seq;
        this.#ws.send(`{"t":"ev","s":${s},"n":"ping","d":${s}}`);
      }
    }));
  }

  close(): void {
    this.#ws.removeAllListeners();
    this.#ws.on('error', () => {});
    this.#ws.close(1000);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    this.#onFail?.(err);
  }
}
