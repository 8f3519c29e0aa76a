/**
 * A real Node client for pagebound's live protocol: renders a live page over HTTP to get its id and
 * session cookie, then speaks the frames of docs/protocol.md over a real WebSocket.
 */
import WebSocket from 'ws';
import { cookieOf, pageIdOf } from '../../src/testing/page-server.js';

export interface RenderedPage { id: string; cookie: string; html: string }

export async function renderLive(base: string, path: string, cookie?: string): Promise<RenderedPage> {
  const res = await fetch(base + path, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const id = pageIdOf(html);
  if (!id) throw new Error(`no live page at ${path}: ${res.status}`);
  return { id, html, cookie: cookieOf(res.headers.get('set-cookie')) || (cookie ?? '') };
}

export class WsClient {
  readonly ws: WebSocket;
  readonly frames: any[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly opened: Promise<void>;
  readonly done: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];

  /** `tls`: options for a wss:// base, such as the `ca` of a test proxy's certificate. */
  constructor(base: string, id: string | undefined, headers: Record<string, string> = {}, tls: WebSocket.ClientOptions = {}) {
    const url = base.replace(/^http/, 'ws') + '/_pagebound/ws';
    const protocols = id ? ['pagebound.v1', `pb.sid.${id}`] : ['pagebound.v1'];
    this.ws = new WebSocket(url, protocols, { ...tls, headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { status: res.statusCode })));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => {});
    this.done = new Promise((resolve) => this.ws.once('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      resolve(this.closed);
      this.#notify();
    }));
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.#notify();
    });
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  of(t: string): any[] {
    return this.frames.filter((f) => f.t === t);
  }

  /** Resolves when `predicate` holds over the frames received so far. */
  async until(predicate: (frames: any[]) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.frames)) {
      if (this.closed && !predicate(this.frames)) throw new Error(`closed ${this.closed.code} before condition; frames: ${JSON.stringify(this.frames)}`);
      if (Date.now() > deadline) throw new Error(`timeout; frames: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.#waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  close(): void {
    this.ws.close();
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
