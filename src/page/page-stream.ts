/**
 * `page.stream`: a Node Duplex carried as sequenced `sd` frames (docs/protocol.md §2.1), so bytes
 * get the same exactly-once, in-order delivery as events. Writes are split to fit `maxFrameBytes`
 * after base64; a write completes when its frames are queued for the client.
 */
import { Duplex } from 'node:stream';
import type { ServerChannel } from '../protocol/channel.js';

/** Raw bytes per frame: 16 KiB becomes ~21.3 KiB of base64, well under the 64 KiB frame limit. */
const CHUNK = 16 * 1024;

export interface PageStream extends Duplex {
  /** Bytes from the client, in order. */
  pushRemote(bytes: Buffer): void;
}

export function createPageStream(channel: ServerChannel): PageStream {
  const stream = new Duplex({
    read() {
      // Bytes arrive when the client sends them; pushRemote feeds them in.
    },
    write(chunk: Buffer, _enc, callback) {
      for (let i = 0; i < chunk.length; i += CHUNK) {
        channel.push({ t: 'sd', b: chunk.subarray(i, i + CHUNK).toString('base64') });
      }
      callback();
    },
  }) as PageStream;
  stream.pushRemote = (bytes) => {
    stream.push(bytes);
  };
  return stream;
}
