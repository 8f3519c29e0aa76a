/**
 * The client channel's guarantees (docs/protocol.md §2–3) without a DOM or a transport: numbering,
 * replay after `welcome`, duplicate and gap detection, coalesced acks and the offline queue bound.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChannel, type ChannelOptions } from '../../../runtime-client/channel.js';
import type { ServerFrame } from '../../../src/protocol/frames.js';

type Sent = Record<string, unknown>;

function setup(opts: ChannelOptions = {}) {
  const sent: Sent[] = [];
  const acked: number[] = [];
  const channel = createChannel(
    { send: (frames) => sent.push(...frames.map((f) => JSON.parse(f) as Sent)), acked: (a) => acked.push(a) },
    opts,
  );
  return { channel, sent, acked };
}

const ev = (s: number, n = 'x'): ServerFrame => ({ t: 'ev', s, n, d: s });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('outgoing', () => {
  it('numbers frames from 1 and holds them until the first welcome', () => {
    const { channel, sent } = setup();
    expect(channel.push({ t: 'ev', n: 'a' })).toBe(1);
    expect(channel.push({ t: 'ev', n: 'b', d: { x: 1 } })).toBe(2);
    expect(sent).toEqual([]);
    channel.welcome(0);
    expect(sent).toEqual([
      { t: 'ev', n: 'a', s: 1 },
      { t: 'ev', n: 'b', d: { x: 1 }, s: 2 },
    ]);
    expect(channel.push({ t: 'sd', b: 'AA==' })).toBe(3);
    expect(sent.at(-1)).toEqual({ t: 'sd', b: 'AA==', s: 3 });
  });

  it('on welcome drops what the server has and resends the rest in order', () => {
    const { channel, sent } = setup();
    channel.welcome(0);
    for (const n of ['a', 'b', 'c', 'd']) channel.push({ t: 'ev', n });
    channel.down();
    channel.push({ t: 'ev', n: 'e' }); // queued offline
    sent.length = 0;
    channel.welcome(2);
    expect(sent.map((f) => [f.s, f.n])).toEqual([
      [3, 'c'],
      [4, 'd'],
      [5, 'e'],
    ]);
    expect(channel.queued).toBe(3);
  });

  it('forgets acked frames and reports the ack once', () => {
    const { channel, acked } = setup();
    channel.welcome(0);
    for (let i = 0; i < 3; i++) channel.push({ t: 'ev', n: 'a' });
    expect(channel.receive({ t: 'ack', a: 2 })).toBe('control');
    expect(channel.queued).toBe(1);
    channel.receive({ t: 'hb', a: 2 });
    channel.receive({ t: 'hb', a: 3 });
    expect(channel.queued).toBe(0);
    expect(acked).toEqual([2, 3]);
  });

  it('throws PB_ERR_QUEUE_FULL past maxQueuedEvents without using up a sequence number', () => {
    const { channel, sent } = setup({ maxQueuedEvents: 2 });
    channel.push({ t: 'ev', n: 'a' });
    channel.push({ t: 'ev', n: 'b' });
    expect(() => channel.push({ t: 'ev', n: 'c' })).toThrow(expect.objectContaining({ code: 'PB_ERR_QUEUE_FULL' }));
    channel.welcome(1);
    expect(channel.push({ t: 'ev', n: 'c' })).toBe(3);
    expect(sent.map((f) => f.s)).toEqual([2, 3]);
  });

  it('refuses a frame over maxFrameBytes before numbering it', () => {
    const { channel } = setup({ maxFrameBytes: 100 });
    expect(() => channel.push({ t: 'ev', n: 'a', d: 'é'.repeat(60) })).toThrow(
      expect.objectContaining({ code: 'PB_ERR_FRAME_TOO_LARGE' }),
    );
    expect(channel.push({ t: 'ev', n: 'a' })).toBe(1);
  });

  it('sends nothing once closed, and nothing is resent', () => {
    const { channel, sent } = setup();
    channel.push({ t: 'ev', n: 'a' });
    channel.close();
    channel.welcome(0);
    expect(sent).toEqual([]);
  });
});

describe('incoming', () => {
  it('delivers in order, drops duplicates and flags gaps', () => {
    const { channel } = setup();
    expect(channel.receive(ev(1))).toBe('new');
    expect(channel.receive(ev(2))).toBe('new');
    expect(channel.receive(ev(1))).toBe('duplicate');
    expect(channel.receive(ev(2))).toBe('duplicate');
    expect(channel.receive(ev(4))).toBe('gap');
    expect(channel.lastIn).toBe(2);
    expect(channel.receive(ev(3))).toBe('new');
    expect(channel.lastIn).toBe(3);
  });

  it('coalesces acks within ackDelayMs, and acks duplicates again', () => {
    const { channel, sent } = setup({ ackDelayMs: 50 });
    channel.welcome(0);
    channel.receive(ev(1));
    channel.receive(ev(2));
    channel.receive(ev(3));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([{ t: 'ack', a: 3 }]);
    channel.receive(ev(3));
    vi.advanceTimersByTime(50);
    expect(sent.at(-1)).toEqual({ t: 'ack', a: 3 });
  });

  it('piggybacks the ack on a heartbeat instead of sending both', () => {
    const { channel, sent } = setup({ ackDelayMs: 50 });
    channel.welcome(0);
    channel.receive(ev(1));
    channel.heartbeat();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ t: 'hb', a: 1 }]);
  });

  it('sends no ack while offline: the next hello carries it', () => {
    const { channel, sent } = setup({ ackDelayMs: 50 });
    channel.receive(ev(1));
    vi.advanceTimersByTime(100);
    channel.heartbeat();
    expect(sent).toEqual([]);
    expect(channel.lastIn).toBe(1);
  });
});

describe('across reconnects', () => {
  /**
   * A server end that accepts in-order client frames and replays its own unacked ones after each
   * hello, over connections that lose a random tail of frames in both directions when they drop.
   */
  it('is exactly-once and in order both ways, whatever the connection loses', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    const serverGot: number[] = [];
    let serverIn = 0;
    let serverOut: ServerFrame[] = [];
    let serverNext = 1;
    let wire: string[] = [];
    const clientGot: number[] = [];

    const channel = createChannel({ send: (frames) => wire.push(...frames) }, { ackDelayMs: 1, maxQueuedEvents: 10_000 });
    const serverAccept = (json: string) => {
      const f = JSON.parse(json) as { t: string; s?: number; d?: number; a?: number };
      if (f.t === 'ack' || f.t === 'hb') serverOut = serverOut.filter((o) => 's' in o && o.s > f.a!);
      if (f.t !== 'ev') return;
      if (f.s! <= serverIn) return; // duplicate
      expect(f.s).toBe(serverIn + 1);
      serverIn = f.s!;
      serverGot.push(f.d!);
    };
    const deliverToClient = (frames: ServerFrame[]) => {
      for (const f of frames) {
        const v = channel.receive(f);
        if (v === 'gap') return false;
        if (v === 'new' && f.t === 'ev') clientGot.push(f.d as number);
      }
      return true;
    };

    let sentEvents = 0;
    let pushedByServer = 0;
    for (let round = 0; round < 200; round++) {
      // hello{ack} → server trims its replay buffer, welcomes, replays.
      serverOut = serverOut.filter((o) => 's' in o && o.s > channel.lastIn);
      channel.welcome(serverIn);
      const replay = serverOut.slice();
      // The connection carries some prefix of what each side sends before it drops.
      for (let i = 0; i < 5; i++) {
        channel.push({ t: 'ev', n: 'c', d: ++sentEvents });
        const f = { t: 'ev', s: serverNext++, n: 's', d: ++pushedByServer } as ServerFrame;
        serverOut.push(f);
        replay.push(f);
      }
      vi.advanceTimersByTime(2);
      const upKept = Math.floor(rand() * (wire.length + 1));
      wire.slice(0, upKept).forEach(serverAccept);
      wire = [];
      const downKept = Math.floor(rand() * (replay.length + 1));
      expect(deliverToClient(replay.slice(0, downKept))).toBe(true);
      vi.advanceTimersByTime(2);
      wire.slice(0, Math.floor(rand() * (wire.length + 1))).forEach(serverAccept);
      wire = [];
      channel.down();
    }
    // A final clean connection drains both directions.
    serverOut = serverOut.filter((o) => 's' in o && o.s > channel.lastIn);
    channel.welcome(serverIn);
    deliverToClient(serverOut);
    wire.forEach(serverAccept);

    expect(serverGot).toEqual(Array.from({ length: sentEvents }, (_, i) => i + 1));
    expect(clientGot).toEqual(Array.from({ length: pushedByServer }, (_, i) => i + 1));
  });
});
