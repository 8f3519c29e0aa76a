/**
 * The fallback transport (docs/protocol.md §5.2): frames go up in POSTs, one in flight at a time so
 * they arrive in order, batching whatever queued meanwhile; frames come down through a loop of
 * long-polls, each carrying the client's ack. For networks whose proxies break WebSocket upgrades.
 */
import { decodeServer, encode, encodeBatch, encodePoll, type Wire } from '../../src/protocol/codec.js';
import { CloseCode, CONN_ID_HEADER, Defaults, Paths, PROTOCOL_VERSION, SESSION_ID_HEADER } from '../../src/protocol/constants.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { closeForStatus } from '../../src/protocol/refusals.js';
import type { Transport, TransportEvents } from './transport.js';

/** Keeps one send body within what the server accepts (`maxBatchFrames` frames, 1 MiB). */
const MAX_BATCH_CHARS = 262_144;

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
  let queue: Wire[] = [];
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
    // Error answers that are not frames (a JSON error body) carry no frames.
    const frames = text ? decodeServer(text) : [];
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
    on.close(e instanceof HttpStatus ? closeForStatus(e.status) : CloseCode.ABNORMAL, '');
  };

  const flush = async (): Promise<void> => {
    if (sending || !cid || !queue.length) return;
    let n = 0;
    for (let size = 0; n < queue.length && n < Defaults.maxBatchFrames && (!n || size + queue[n]!.length < MAX_BATCH_CHARS); n++) {
      size += queue[n]!.length + 1;
    }
    const batch = queue.splice(0, n);
    sending = true;
    try {
      deliver(await post(Paths.send, encodeBatch(batch), false));
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
      while (!closed) deliver(await post(Paths.poll, encodePoll(on.ack())));
    } catch (e) {
      fail(e);
    }
  };

  return {
    kind: 'http',
    carriesAcks: true,
    open(id, helloAck) {
      pageId = id;
      post(Paths.send, encodeBatch([encode({ t: 'hello', v: PROTOCOL_VERSION, ack: helloAck })])).then((frames) => {
        for (const f of frames) if (f.t === 'welcome' && f.cid) cid = f.cid;
        deliver(frames);
        if (!cid) return fail(new HttpStatus(400, []));
        void flush();
        void poll();
      }, fail);
    },
    send(frames) {
      queue.push(...frames);
      void flush();
    },
    /** Stops polling. Queued frames (a `bye`) still go out, but nothing is reported any more. */
    close,
  };
}
