/**
 * `page.stream`: a Node Duplex carried as sequenced `sd` frames (docs/protocol.md §2.1), so bytes
 * get the same exactly-once, in-order delivery as events. Both directions have backpressure:
 * a write completes only while less than STREAM_WINDOW_BYTES wait for the client's ack (so a
 * producer cannot overrun the replay buffer), and bytes from the client beyond the readable
 * high-water mark make the endpoint stop reading until the page reads them.
 */
import { Duplex } from 'node:stream';
import type { PageOutlet } from './outlet.js';
import { STREAM_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '../protocol/constants.js';

export interface PageStream extends Duplex {
  /** Bytes from the client, in order. */
  pushRemote(bytes: Buffer): void;
  /** Resolves when the page next reads (or the stream ends). */
  whenRead(): Promise<void>;
}

export function createPageStream(outlet: PageOutlet): PageStream {
  const inFlight: Array<{ s: number; bytes: number }> = [];
  let unacked = 0;
  let blocked: (() => void) | undefined;
  let readWaiters: Array<() => void> = [];
  const wakeReaders = () => {
    for (const w of readWaiters.splice(0)) w();
  };

  const stopListening = outlet.onAcked((a) => {
    while (inFlight.length > 0 && inFlight[0]!.s <= a) unacked -= inFlight.shift()!.bytes;
    if (blocked && unacked < STREAM_WINDOW_BYTES) {
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
      for (let i = 0; i < chunk.length; i += STREAM_CHUNK_BYTES) {
        const piece = chunk.subarray(i, i + STREAM_CHUNK_BYTES);
        const s = outlet.push({ t: 'sd', b: piece.toString('base64') });
        inFlight.push({ s, bytes: piece.length });
        unacked += piece.length;
      }
      // Completing the write later is what makes `write()` return false and producers wait.
      if (unacked >= STREAM_WINDOW_BYTES) blocked = callback;
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
  stream.whenRead = () =>
    stream.destroyed ? Promise.resolve() : new Promise<void>((resolve) => readWaiters.push(resolve));
  return stream;
}
