/**
 * `page.stream`: a Node Duplex carried as sequenced `sd` frames (docs/protocol.md §2.1), so bytes
 * get the same exactly-once, in-order delivery as events. Both directions have backpressure:
 * a write completes only while less than `STREAM_WINDOW` bytes wait for the client's ack (so a
 * producer cannot overrun the replay buffer), and bytes from the client beyond the readable
 * high-water mark make the transport stop reading until the page reads them.
 */
import { Duplex } from 'node:stream';
import type { ServerChannel } from '../protocol/channel.js';

/** Raw bytes per frame: 16 KiB becomes ~21.3 KiB of base64, well under the 64 KiB frame limit. */
const CHUNK = 16 * 1024;
/** Unacknowledged bytes the server may have in flight to the client. */
export const STREAM_WINDOW = 256 * 1024;

export interface PageStream extends Duplex {
  /** Bytes from the client, in order. */
  pushRemote(bytes: Buffer): void;
  /** Whether bytes from the client wait unread past the high-water mark. */
  readonly backlogged: boolean;
  /** Resolves when the page next reads (or the stream ends). */
  whenRead(): Promise<void>;
}

export function createPageStream(channel: ServerChannel): PageStream {
  const inFlight: Array<{ s: number; bytes: number }> = [];
  let unacked = 0;
  let blocked: (() => void) | undefined;
  let readWaiters: Array<() => void> = [];
  const wakeReaders = () => {
    for (const w of readWaiters.splice(0)) w();
  };

  const stopListening = channel.onAcked((a) => {
    while (inFlight.length > 0 && inFlight[0]!.s <= a) unacked -= inFlight.shift()!.bytes;
    if (blocked && unacked < STREAM_WINDOW) {
      const resume = blocked;
      blocked = undefined;
      resume();
    }
  });

  const stream = new Duplex({
    read() {
      wakeReaders();
    },
    write(chunk: Buffer, _enc, callback) {
      for (let i = 0; i < chunk.length; i += CHUNK) {
        const piece = chunk.subarray(i, i + CHUNK);
        const s = channel.push({ t: 'sd', b: piece.toString('base64') });
        inFlight.push({ s, bytes: piece.length });
        unacked += piece.length;
      }
      // Completing the write later is what makes `write()` return false and producers wait.
      if (unacked >= STREAM_WINDOW) blocked = callback;
      else callback();
    },
    destroy(err, callback) {
      stopListening();
      wakeReaders();
      callback(err);
    },
  }) as PageStream;

  stream.pushRemote = (bytes) => {
    stream.push(bytes);
  };
  Object.defineProperty(stream, 'backlogged', {
    get: () => stream.readableLength >= stream.readableHighWaterMark,
  });
  stream.whenRead = () =>
    stream.destroyed ? Promise.resolve() : new Promise<void>((resolve) => readWaiters.push(resolve));
  return stream;
}
