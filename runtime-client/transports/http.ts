/**
 * The fallback transport (docs/protocol.md §5.2): frames go up in POSTs, one in flight at a time so
 * they arrive in order, batching whatever queued meanwhile; frames come down through a loop of
 * long-polls, each carrying the client's ack. For networks whose proxies break WebSocket upgrades.
 */
import { CloseCode, CONN_ID_HEADER, SESSION_ID_HEADER } from '../../src/protocol/constants.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { decode, hello, NETWORK, type Transport, type TransportEvents } from './transport.js';

/** Keeps one send body well under common server body limits (Fastify's default is 1 MiB). */
const MAX_BATCH_CHARS = 262_144;

/** HTTP status → the close code the link reacts to, so both transports end the same way. */
const CLOSE_FOR_STATUS: Record<number, number> = {
  400: CloseCode.PROTOCOL,
  403: CloseCode.REFUSED,
  410: CloseCode.EXPIRED,
  413: CloseCode.TOO_BIG,
  429: CloseCode.MAILBOX_FULL,
  // 409 (this connection was replaced, e.g. by our own re-handshake) falls to NETWORK: reconnect.
};

/** A non-2xx answer, with the frames its body carried (410/403: the `expired`/`refused` frame). */
class HttpStatus extends Error {
  constructor(
    readonly status: number,
    readonly frames: ServerFrame[],
  ) {
    super('HTTP ' + status);
  }
}

export function httpTransport(base: string, on: TransportEvents): Transport {
  let pageId = '';
  let cid = '';
  let queue: string[] = [];
  let sending = false;
  let closed = false;
  const abort = new AbortController();

  /** `abortable` is false for sends so that a closing `bye` is not cut off. */
  const post = async (path: string, body: string, abortable = true): Promise<ServerFrame[]> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', [SESSION_ID_HEADER]: pageId };
    if (cid) headers[CONN_ID_HEADER] = cid;
    const res = await fetch(base + path, {
      method: 'POST',
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: abortable ? abort.signal : null,
    });
    const text = await res.text();
    const frames = text ? decode(text) : [];
    if (!res.ok) throw new HttpStatus(res.status, frames ?? []);
    if (!frames) throw new HttpStatus(400, []);
    return frames;
  };

  const deliver = (frames: ServerFrame[]): void => {
    if (!closed) on.frames(frames);
  };

  const close = (): void => {
    closed = true;
    abort.abort();
  };

  const fail = (e: unknown): void => {
    if (e instanceof HttpStatus) deliver(e.frames);
    if (closed) return;
    close();
    on.close(e instanceof HttpStatus ? (CLOSE_FOR_STATUS[e.status] ?? NETWORK) : NETWORK, '');
  };

  const flush = async (): Promise<void> => {
    if (sending || !cid || !queue.length) return;
    let n = 0;
    for (let size = 0; n < queue.length && (!n || size + queue[n]!.length < MAX_BATCH_CHARS); n++) {
      size += queue[n]!.length + 1;
    }
    const batch = queue.splice(0, n);
    sending = true;
    try {
      deliver(await post('/http/send', `[${batch.join(',')}]`, false));
    } catch (e) {
      // Sequenced frames of a lost batch are still in the channel and are resent after resume.
      queue = [];
      return fail(e);
    } finally {
      sending = false;
    }
    void flush();
  };

  const poll = async (): Promise<void> => {
    try {
      while (!closed) deliver(await post('/http/poll', JSON.stringify({ a: on.ack() })));
    } catch (e) {
      fail(e);
    }
  };

  return {
    kind: 'http',
    open(id, helloAck) {
      pageId = id;
      post('/http/send', `[${hello(helloAck)}]`).then((frames) => {
        for (const f of frames) if (f.t === 'welcome' && f.cid) cid = f.cid;
        deliver(frames);
        if (!cid) return fail(new HttpStatus(400, []));
        void flush();
        void poll();
      }, fail);
    },
    send(frames) {
      // Standalone acks are redundant here: every poll carries the current ack.
      for (const f of frames) if (!f.startsWith('{"t":"ack"')) queue.push(f);
      void flush();
    },
    /** Stops polling. Queued frames (a `bye`) still go out, but nothing is reported any more. */
    close,
  };
}
