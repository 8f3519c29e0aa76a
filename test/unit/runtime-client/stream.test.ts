/**
 * The runtime's byte stream over `sd` frames: writes cut into frames that fit the frame limit, wait for
 * the 256 KiB window (STREAM_WINDOW_BYTES) and for the server's ack, never interleave; reads take what arrived, at most n
 * bytes, in order; ending it gives readers end-of-stream and writers the error.
 */
import { describe, expect, it } from 'vitest';
import { createStream } from '../../../runtime-client/stream.js';
import { encode } from '../../../src/protocol/codec.js';
import { Defaults, STREAM_WINDOW_BYTES } from '../../../src/protocol/constants.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const bytesOf = (s: string) => new Uint8Array(Buffer.from(s));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

function setup() {
  const frames: Array<{ s: number; bytes: Buffer }> = [];
  let seq = 0;
  const stream = createStream((b) => {
    frames.push({ s: ++seq, bytes: Buffer.from(b, 'base64') });
    return seq;
  });
  return { stream, frames };
}

/** A promise's state without waiting for it. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  await settle();
  return s;
}

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** Byte-for-byte equality without toEqual's element-wise walk, which takes seconds on 400 KB. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * Bytes per `sd` frame, read off the runtime's first frame rather than pinned: stream.ts has its own
 * 32 KiB while constants.ts says STREAM_CHUNK_BYTES = 16 KiB (issue #8 item 6), and these tests hold
 * whichever it settles on. What must hold is that a frame fits maxFrameBytes (tested below).
 */
const CHUNK = await (async () => {
  const { stream, frames } = setup();
  void stream.write(pattern(STREAM_WINDOW_BYTES)).catch(() => {});
  await settle();
  stream.end(new Error('probe done'));
  return frames[0]!.bytes.length;
})();
/** Frames that fill the 256 KiB unacked window. */
const PER_WINDOW = STREAM_WINDOW_BYTES / CHUNK;

describe('write', () => {
  it('cuts data into equal frames, the last one shorter, each fitting maxFrameBytes once encoded', async () => {
    const { stream, frames } = setup();
    const data = pattern(3 * CHUNK + 100);
    const done = stream.write(data);
    await settle();
    expect(frames.map((f) => f.bytes.length)).toEqual([CHUNK, CHUNK, CHUNK, 100]);
    expect(sameBytes(Buffer.concat(frames.map((f) => f.bytes)), data)).toBe(true);
    for (const f of frames) {
      const wire = encode({ t: 'sd', s: 999_999, b: f.bytes.toString('base64') });
      expect(wire.length).toBeLessThanOrEqual(Defaults.maxFrameBytes);
    }
    stream.acked(4);
    await done;
  });

  it('encodes a string as UTF-8', async () => {
    const { stream, frames } = setup();
    void stream.write('héllo ✓');
    await settle();
    expect(frames[0]!.bytes.toString('utf8')).toBe('héllo ✓');
  });

  it('resolves only once the server acked the last frame of the write', async () => {
    const { stream, frames } = setup();
    const done = stream.write(pattern(CHUNK + 1));
    await settle();
    expect(frames).toHaveLength(2);
    stream.acked(1);
    expect(await state(done)).toBe('pending');
    stream.acked(2);
    expect(await state(done)).toBe('resolved');
  });

  it('counts an ack past the write (a later frame) as covering it', async () => {
    const { stream } = setup();
    const done = stream.write('x');
    await settle();
    stream.acked(7);
    expect(await state(done)).toBe('resolved');
  });

  it('keeps at most 256 KiB unacked and sends more as acks arrive', async () => {
    const { stream, frames } = setup();
    expect(Number.isInteger(PER_WINDOW)).toBe(true);
    const data = pattern((PER_WINDOW + 4) * CHUNK);
    const done = stream.write(data);
    await settle();
    expect(frames).toHaveLength(PER_WINDOW);
    stream.acked(3);
    await settle();
    expect(frames).toHaveLength(PER_WINDOW + 3);
    stream.acked(PER_WINDOW + 3);
    await settle();
    expect(frames).toHaveLength(PER_WINDOW + 4);
    expect(await state(done)).toBe('pending');
    stream.acked(PER_WINDOW + 4);
    expect(await state(done)).toBe('resolved');
    expect(sameBytes(Buffer.concat(frames.map((f) => f.bytes)), data)).toBe(true);
  });

  it('never interleaves the bytes of two concurrent writes', async () => {
    const { stream, frames } = setup();
    const first = stream.write(pattern((PER_WINDOW + 1) * CHUNK));
    const second = stream.write('second');
    await settle();
    expect(frames).toHaveLength(PER_WINDOW);
    stream.acked(PER_WINDOW);
    await settle();
    expect(frames).toHaveLength(PER_WINDOW + 1); // the rest of the first write, not the second
    stream.acked(PER_WINDOW + 1);
    await settle();
    expect(await state(first)).toBe('resolved');
    expect(frames).toHaveLength(PER_WINDOW + 2);
    expect(frames.at(-1)!.bytes.toString()).toBe('second');
    stream.acked(PER_WINDOW + 2);
    expect(await state(second)).toBe('resolved');
  });

  it('sends nothing for an empty write and resolves it', async () => {
    const { stream, frames } = setup();
    expect(await state(stream.write(new Uint8Array(0)))).toBe('resolved');
    expect(frames).toHaveLength(0);
  });
});

describe('read', () => {
  it('waits for data, then returns all that arrived', async () => {
    const { stream } = setup();
    const read = stream.read();
    expect(await state(read)).toBe('pending');
    stream.receive(b64('hello '));
    expect(text(await read)).toBe('hello ');
    stream.receive(b64('wor'));
    stream.receive(b64('ld'));
    expect(text(await stream.read())).toBe('world');
  });

  it('read(n) returns at most n bytes and keeps the rest, across frame borders', async () => {
    const { stream } = setup();
    stream.receive(b64('abc'));
    stream.receive(b64('defgh'));
    expect(text(await stream.read(2))).toBe('ab');
    expect(text(await stream.read(4))).toBe('cdef');
    expect(text(await stream.read(100))).toBe('gh');
    expect(await state(stream.read(1))).toBe('pending');
  });

  it('read(n) with fewer bytes waiting returns what is there without waiting for n', async () => {
    const { stream } = setup();
    stream.receive(b64('abc'));
    expect(text(await stream.read(10))).toBe('abc');
  });

  it('serves waiting readers in the order they asked', async () => {
    const { stream } = setup();
    const a = stream.read(2);
    const b = stream.read(2);
    const c = stream.read();
    stream.receive(b64('112233'));
    expect([text(await a), text(await b), text(await c)]).toEqual(['11', '22', '33']);
  });

  it('read(0) waits for and returns one byte rather than an empty array, which means end-of-stream', async () => {
    const { stream } = setup();
    const r = stream.read(0);
    expect(await state(r)).toBe('pending');
    stream.receive(b64('xy'));
    expect(text(await r)).toBe('x');
  });

  it('an empty frame does not wake a reader with an empty array', async () => {
    const { stream } = setup();
    const r = stream.read();
    stream.receive('');
    expect(await state(r)).toBe('pending');
    stream.receive(b64('z'));
    expect(text(await r)).toBe('z');
  });

  it('returns binary bytes exactly', async () => {
    const { stream } = setup();
    const data = pattern(1000);
    stream.receive(b64(data));
    expect(sameBytes(await stream.read(), data)).toBe(true);
  });
});

describe('end', () => {
  it('gives waiting readers end-of-stream (an empty array)', async () => {
    const { stream } = setup();
    const r = stream.read();
    stream.end(new Error('closed'));
    expect((await r).length).toBe(0);
  });

  it('lets buffered bytes be read first, then end-of-stream', async () => {
    const { stream } = setup();
    stream.receive(b64('left'));
    stream.end(new Error('closed'));
    expect(text(await stream.read())).toBe('left');
    expect((await stream.read()).length).toBe(0);
    expect((await stream.read(5)).length).toBe(0);
  });

  it('rejects a write waiting for the window or its ack, and every later write', async () => {
    const { stream, frames } = setup();
    const err = new Error('The server socket is closed.');
    const windowed = stream.write(pattern((PER_WINDOW + 1) * CHUNK));
    await settle();
    expect(frames).toHaveLength(PER_WINDOW);
    stream.end(err);
    await expect(windowed).rejects.toBe(err);
    expect(frames).toHaveLength(PER_WINDOW);
    await expect(stream.write('later')).rejects.toBe(err);
    expect(frames).toHaveLength(PER_WINDOW);
  });

  it('sends no more frames after the end, even when an ack opened the window just before', async () => {
    const { stream, frames } = setup();
    const err = new Error('gone');
    const w = stream.write(pattern((PER_WINDOW + 1) * CHUNK));
    await settle();
    stream.acked(PER_WINDOW);
    stream.end(err);
    await expect(w).rejects.toBe(err);
    expect(frames).toHaveLength(PER_WINDOW);
  });

  it('rejects a write that was sent but not yet acked', async () => {
    const { stream } = setup();
    const err = new Error('gone');
    const w = stream.write('x');
    await settle();
    stream.end(err);
    await expect(w).rejects.toBe(err);
  });
});

describe('acked bytes (an upload\'s progress)', () => {
  it('tells how many written bytes each ack confirmed, once each, summing to what was written', async () => {
    const heard: number[] = [];
    const frames: number[] = [];
    let seq = 0;
    const stream = createStream((b) => {
      frames.push(Buffer.from(b, 'base64').length);
      return ++seq;
    }, (n) => heard.push(n));
    const done = stream.write(pattern(3 * CHUNK + 10));
    await settle();
    stream.acked(2);
    stream.acked(2);
    stream.acked(4);
    await done;
    expect(heard).toEqual([frames[0]! + frames[1]!, frames[2]! + frames[3]!]);
    expect(heard.reduce((a, b) => a + b)).toBe(3 * CHUNK + 10);
  });
});
