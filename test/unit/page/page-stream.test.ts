import { describe, expect, it } from 'vitest';
import { ServerChannel } from '../../../src/protocol/channel.js';
import { createPageStream, STREAM_WINDOW } from '../../../src/page/page-stream.js';
import { RecordingConnection } from '../../helpers/fake-connection.js';

const limits = { replayMaxFrames: 10_000, replayMaxBytes: 64 << 20, ackDelayMs: 5, heartbeatMs: 15_000 };

describe('page.stream', () => {
  it('splits writes into sd frames that reassemble to the same bytes, in order', async () => {
    const channel = new ServerChannel(limits);
    const conn = new RecordingConnection();
    channel.attach(conn, 0, {});
    const stream = createPageStream(channel);
    const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
    await new Promise<void>((resolve) => stream.write(data, () => resolve()));
    const frames = conn.of('sd');
    expect(frames.map((f) => f.s)).toEqual(frames.map((_, i) => i + 1));
    expect(Buffer.concat(frames.map((f) => Buffer.from(f.b, 'base64')))).toEqual(data);
    expect(Math.max(...frames.map((f) => JSON.stringify(f).length))).toBeLessThan(65_536);
  });

  it('holds a write past the window until the client acks, so a producer cannot overrun the replay buffer', async () => {
    const channel = new ServerChannel(limits);
    channel.attach(new RecordingConnection(), 0, {});
    const stream = createPageStream(channel);
    let done = false;
    const more = stream.write(Buffer.alloc(STREAM_WINDOW + 1024), () => (done = true));
    expect(more).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    const drained = new Promise((r) => stream.once('drain', r));
    channel.onAck(channel.lastSent - 1); // all but the last frame (1 KiB) acked: under the window
    await drained;
    expect(done).toBe(true);
  });

  it('reports bytes from the client that the page has not read, and when it reads them', async () => {
    const channel = new ServerChannel(limits);
    const stream = createPageStream(channel);
    expect(stream.backlogged).toBe(false);
    stream.pushRemote(Buffer.alloc(stream.readableHighWaterMark + 1));
    expect(stream.backlogged).toBe(true);
    let read = false;
    const waiting = stream.whenRead().then(() => (read = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(read).toBe(false);
    expect(stream.read()).not.toBeNull();
    await waiting;
    expect(stream.backlogged).toBe(false);
  });
});
