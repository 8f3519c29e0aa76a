import { describe, expect, it } from 'vitest';
import { createPageStream } from '../../../src/page/page-stream.js';
import { PageEndpoint } from '../../../src/endpoint/page-endpoint.js';
import { noMetrics } from '../../../src/metrics/metrics.js';
import { STREAM_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '../../../src/protocol/constants.js';
import { RecordingConnection, makePage, testLimits } from '../../helpers/fake-connection.js';

const limits = { ...testLimits, replayMaxFrames: 10_000, replayMaxBytes: 64 << 20 };

function endpoint(): { endpoint: PageEndpoint; conn: RecordingConnection } {
  const page = makePage();
  page.admitted('s');
  const e = new PageEndpoint(page, limits, () => noMetrics, () => {});
  const conn = new RecordingConnection();
  e.attach(conn, 0);
  return { endpoint: e, conn };
}

describe('page.stream', () => {
  it('splits writes into sd frames of STREAM_CHUNK_BYTES that reassemble to the same bytes, in order', async () => {
    const { endpoint: e, conn } = endpoint();
    const stream = createPageStream(e);
    const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
    await new Promise<void>((resolve) => stream.write(data, () => resolve()));
    const frames = conn.of('sd');
    expect(frames.map((f) => f.s)).toEqual(frames.map((_, i) => i + 1));
    expect(frames).toHaveLength(Math.ceil(data.length / STREAM_CHUNK_BYTES));
    expect(Buffer.concat(frames.map((f) => Buffer.from(f.b, 'base64')))).toEqual(data);
    expect(Math.max(...frames.map((f) => JSON.stringify(f).length))).toBeLessThan(65_536);
  });

  it('holds a write past the window until the client acks, so a producer cannot overrun the replay buffer', async () => {
    const { endpoint: e, conn } = endpoint();
    const stream = createPageStream(e);
    let done = false;
    const more = stream.write(Buffer.alloc(STREAM_WINDOW_BYTES + 1024), () => (done = true));
    expect(more).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    const drained = new Promise((r) => stream.once('drain', r));
    // All but the last frame (1 KiB) acked: under the window.
    e.take(conn, { t: 'ack', a: e.lastSent - 1 }, true);
    await drained;
    expect(done).toBe(true);
  });

  it('resolves whenRead() only once the page reads what the client sent', async () => {
    const { endpoint: e } = endpoint();
    const stream = createPageStream(e);
    stream.pushRemote(Buffer.alloc(stream.readableHighWaterMark + 1));
    expect(stream.readableLength).toBeGreaterThan(stream.readableHighWaterMark);
    let read = false;
    const waiting = stream.whenRead().then(() => (read = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(read).toBe(false);
    expect(stream.read()).not.toBeNull();
    await waiting;
    expect(stream.readableLength).toBe(0);
  });
});
