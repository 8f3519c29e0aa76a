import { describe, expect, it, vi } from 'vitest';
import { ServerChannel } from '../../../src/protocol/channel.js';
import { parseClientFrame } from '../../../src/protocol/frames.js';
import { RecordingConnection } from '../../helpers/fake-connection.js';

const limits = { replayMaxFrames: 5, replayMaxBytes: 1 << 20, ackDelayMs: 5, heartbeatMs: 1000 };

describe('ServerChannel', () => {
  it('numbers frames from 1 and keeps them until acked', () => {
    const ch = new ServerChannel(limits);
    expect(ch.push({ t: 'ev', n: 'a' })).toBe(1);
    expect(ch.push({ t: 'ev', n: 'b' })).toBe(2);
    expect(ch.buffered).toBe(2);
    ch.onAck(1);
    expect(ch.framesAfter(0).map((j) => JSON.parse(j).s)).toEqual([2]);
  });

  it('on attach sends welcome with its ack, then every frame after the client\'s ack', () => {
    const ch = new ServerChannel(limits);
    for (const n of ['a', 'b', 'c']) ch.push({ t: 'ev', n });
    ch.accept(1);
    const conn = new RecordingConnection();
    ch.attach(conn, 1, { cid: 'x' });
    expect(conn.frames).toEqual([
      { t: 'welcome', v: 1, ack: 1, hb: 1000, cid: 'x' },
      { t: 'ev', s: 2, n: 'b' },
      { t: 'ev', s: 3, n: 'c' },
    ]);
  });

  it('classifies incoming sequence numbers: new, duplicate, gap', () => {
    const ch = new ServerChannel(limits);
    expect(ch.accept(1)).toBe('new');
    expect(ch.accept(1)).toBe('duplicate');
    expect(ch.accept(3)).toBe('gap');
    expect(ch.accept(2)).toBe('new');
    expect(ch.inLast).toBe(2);
  });

  it('coalesces acks for accepted frames into one ack frame', async () => {
    vi.useFakeTimers();
    try {
      const ch = new ServerChannel(limits);
      const conn = new RecordingConnection();
      ch.attach(conn, 0, {});
      for (let s = 1; s <= 10; s++) ch.accept(s);
      await vi.advanceTimersByTimeAsync(10);
      expect(conn.of('ack')).toEqual([{ t: 'ack', a: 10 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('trims past replayMaxFrames and then refuses a resume that needs the trimmed frames', () => {
    const ch = new ServerChannel(limits);
    for (let i = 0; i < 8; i++) ch.push({ t: 'ev', n: 'x' });
    expect(ch.buffered).toBe(5);
    expect(ch.resumeProblem(2)).toBe('replay-overflow');
    expect(ch.resumeProblem(3)).toBeNull();
    expect(ch.resumeProblem(9)).toBe('unknown'); // acks frames never sent: not this instance's client
  });

  it('caps framesAfter by bytes, but always returns at least one frame', () => {
    const ch = new ServerChannel({ ...limits, replayMaxFrames: 100 });
    for (let i = 0; i < 10; i++) ch.push({ t: 'ev', n: 'x', d: 'y'.repeat(100) });
    const one = ch.framesAfter(0, 10);
    expect(one).toHaveLength(1);
    const some = ch.framesAfter(0, 400);
    expect(some.length).toBeGreaterThan(1);
    expect(some.join('').length).toBeLessThanOrEqual(400);
  });
});

describe('parseClientFrame', () => {
  it.each([
    [{ t: 'hello', v: 1, ack: 0 }, true],
    [{ t: 'ev', s: 1, n: 'click', d: { a: 1 } }, true],
    [{ t: 'ev', s: 0, n: 'click' }, false],
    [{ t: 'ev', s: 1.5, n: 'click' }, false],
    [{ t: 'ev', s: 1, n: '' }, false],
    [{ t: 'ev', s: 1, n: 'a b' }, false],
    [{ t: 'ev', s: 1, n: 'x'.repeat(65) }, false],
    [{ t: 'ack', a: -1 }, false],
    [{ t: 'sd', s: 1, b: 'AAAA' }, true],
    [{ t: 'nope' }, false],
    [[{ t: 'hello', v: 1, ack: 0 }], false],
    ['hello', false],
    [null, false],
  ])('%j → valid: %s', (frame, valid) => {
    expect(parseClientFrame(frame) !== null).toBe(valid);
  });
});
