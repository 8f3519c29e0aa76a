/**
 * The byte stream over `sd` frames behind `read()`/`write()`. Incoming bytes wait in a buffer until
 * read. Outgoing bytes are cut into frames that fit `maxFrameBytes`, and at most 256 KiB may be
 * unacked at once, so a `write` to a slow or offline server waits instead of queueing without bound.
 */
import { STREAM_CHUNK_BYTES as CHUNK, STREAM_WINDOW_BYTES as WINDOW } from '../src/protocol/constants.js';
import { pbError } from './errors.js';

const toBase64 = (bytes: Uint8Array): string => {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return btoa(bin);
};

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export const closedError = (): Error => pbError('PB_ERR_CLOSED', 'The server socket is closed.');

export interface ByteStream {
  /** An `sd` frame's payload arrived. */
  receive(b64: string): void;
  read(n?: number): Promise<Uint8Array>;
  write(data: string | Uint8Array): Promise<void>;
  /** The server processed every client frame up to `a`. */
  acked(a: number): void;
  /** No more data either way: readers get end-of-stream (an empty array), writers the error. */
  end(error: Error): void;
}

/**
 * `push` sends one frame (`sd`, or an upload's `up`) and returns its sequence number; `onAcked`
 * hears how many written bytes each ack confirmed (an upload's progress).
 */
export function createStream(push: (b64: string) => number, onAcked?: (bytes: number) => void): ByteStream {
  const incoming: Uint8Array[] = [];
  const readers: Array<[n: number, resolve: (bytes: Uint8Array) => void]> = [];
  const unacked: Array<[s: number, bytes: number]> = [];
  let unackedBytes = 0;
  let ackedUpTo = 0;
  let waiters: Array<() => void> = [];
  let tail: Promise<void> = Promise.resolve();
  let error: Error | undefined;

  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  /** Until the next ack or end; callers re-check their condition. */
  const wait = (): Promise<void> => {
    if (error) throw error;
    return new Promise((resolve) => waiters.push(resolve));
  };

  const serve = (): void => {
    while (readers.length && (incoming.length || error)) {
      const [n, resolve] = readers.shift()!;
      const out = new Uint8Array(Math.min(n, incoming.reduce((sum, b) => sum + b.length, 0)));
      for (let off = 0; off < out.length; ) {
        const head = incoming[0]!;
        const take = Math.min(head.length, out.length - off);
        out.set(head.subarray(0, take), off);
        off += take;
        if (take < head.length) incoming[0] = head.subarray(take);
        else incoming.shift();
      }
      resolve(out);
    }
  };

  const writeBytes = async (bytes: Uint8Array): Promise<void> => {
    let last = 0;
    for (let off = 0; off < bytes.length; off += CHUNK) {
      const chunk = bytes.subarray(off, off + CHUNK);
      while (unackedBytes && unackedBytes + chunk.length > WINDOW) await wait();
      if (error) throw error;
      last = push(toBase64(chunk));
      unacked.push([last, chunk.length]);
      unackedBytes += chunk.length;
    }
    while (ackedUpTo < last) await wait();
  };

  return {
    receive(b64) {
      const bytes = fromBase64(b64);
      if (bytes.length) incoming.push(bytes);
      serve();
    },
    read(n = Infinity) {
      return new Promise((resolve) => {
        readers.push([Math.max(1, n) || Infinity, resolve]);
        serve();
      });
    },
    // Chained so two concurrent writes never interleave their bytes.
    write(data) {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const p = tail.then(() => writeBytes(bytes));
      tail = p.catch(() => undefined);
      return p;
    },
    acked(a) {
      ackedUpTo = a;
      const before = unackedBytes;
      while (unacked.length && unacked[0]![0] <= a) unackedBytes -= unacked.shift()![1];
      if (before > unackedBytes) onAcked?.(before - unackedBytes);
      wake();
    },
    end(e) {
      error = e;
      wake();
      serve();
    },
  };
}
