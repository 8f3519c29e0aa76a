import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Inbox, Outbox } from '../../../src/protocol/sequence.js';

describe('Inbox', () => {
  it('takes each number once and in order: new, duplicate, gap', () => {
    const inbox = new Inbox();
    expect(inbox.accept(1)).toBe('new');
    expect(inbox.accept(1)).toBe('duplicate');
    expect(inbox.accept(3)).toBe('gap');
    expect(inbox.accept(2)).toBe('new');
    expect(inbox.last).toBe(2);
  });
});

describe('Outbox', () => {
  it('numbers from 1 and keeps frames until acked', () => {
    const out = new Outbox<string>();
    expect(out.push('a', 1)).toBe(1);
    expect(out.push('b', 1)).toBe(2);
    expect(out.size).toBe(2);
    expect(out.ack(1)).toBe(true);
    expect(out.ack(1)).toBe(false);
    expect(out.after(0).map((k) => k.payload)).toEqual(['b']);
  });

  it('trims past its window and then refuses a resume that needs the trimmed frames', () => {
    const out = new Outbox<string>();
    for (let i = 0; i < 8; i++) out.push('x', 1);
    out.trim(5, Infinity);
    expect(out.size).toBe(5);
    expect(out.resumeProblem(2)).toBe('replay-overflow');
    expect(out.resumeProblem(3)).toBeNull();
    // Acks frames never sent: not this instance's client.
    expect(out.resumeProblem(9)).toBe('unknown');
  });

  it('caps `after` by bytes but always returns at least one frame', () => {
    const out = new Outbox<string>();
    for (let i = 0; i < 10; i++) out.push('y', 100);
    expect(out.after(0, 10)).toHaveLength(1);
    const some = out.after(0, 400);
    expect(some).toHaveLength(4);
  });

  it('keeps counting bytes right across many acks (compaction)', () => {
    const out = new Outbox<number>();
    for (let i = 1; i <= 1000; i++) {
      out.push(i, 3);
      if (i % 7 === 0) out.ack(i - 2);
    }
    // The last ack (at 994) was 992: 993…1000 are kept.
    expect(out.size).toBe(8);
    expect(out.bytes).toBe(out.size * 3);
    expect(out.after(995).map((k) => k.payload)).toEqual([996, 997, 998, 999, 1000]);
  });
});

/**
 * Two peers built on Outbox/Inbox over a network that drops, duplicates, reorders and cuts
 * connections, with reconnects that may switch transport. Whatever the network does, each side's
 * application sees the other's frames exactly once and in order, as docs/protocol.md §4.1 promises.
 */
type Msg = { kind: 'data'; s: number; v: number } | { kind: 'ack'; a: number };

class Peer {
  readonly out = new Outbox<number>();
  readonly inbox = new Inbox();
  readonly delivered: number[] = [];
  live = false;
  send(v: number, wire: Msg[]): void {
    const s = this.out.push(v, 1);
    if (this.live) wire.push({ kind: 'data', s, v });
  }
  receive(m: Msg, reply: Msg[]): 'ok' | 'gap' {
    if (m.kind === 'ack') {
      this.out.ack(m.a);
      return 'ok';
    }
    const verdict = this.inbox.accept(m.s);
    if (verdict === 'gap') return 'gap';
    if (verdict === 'new') this.delivered.push(m.v);
    reply.push({ kind: 'ack', a: this.inbox.last });
    return 'ok';
  }
  /** hello/welcome: the peer says what it has; resend everything after it. */
  resume(peerHas: number, wire: Msg[]): void {
    this.out.ack(peerHas);
    this.live = true;
    for (const k of this.out.after(peerHas)) wire.push({ kind: 'data', s: k.s, v: k.payload });
  }
}

const op = fc.oneof(
  fc.record({ t: fc.constant('clientSend' as const) }),
  fc.record({ t: fc.constant('serverSend' as const) }),
  fc.record({ t: fc.constant('deliver' as const), toServer: fc.boolean() }),
  fc.record({ t: fc.constant('deliver' as const), toServer: fc.boolean() }),
  fc.record({ t: fc.constant('duplicate' as const), toServer: fc.boolean(), i: fc.nat() }),
  fc.record({ t: fc.constant('drop' as const), toServer: fc.boolean(), i: fc.nat() }),
  fc.record({ t: fc.constant('swap' as const), toServer: fc.boolean(), i: fc.nat() }),
  fc.record({ t: fc.constant('cut' as const) }),
  fc.record({ t: fc.constant('reconnect' as const) }),
);

describe('sequence rules under a hostile network (property)', () => {
  it('never lose, double or reorder a frame in either direction', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400, size: 'max' }), (ops) => {
        const client = new Peer();
        const server = new Peer();
        let up: Msg[] = [];
        let down: Msg[] = [];
        let sentUp = 0;
        let sentDown = 0;
        const connect = () => {
          up = [];
          down = [];
          // hello{ack} then welcome{ack}: each side resends what the other has not processed.
          server.resume(client.inbox.last, down);
          client.resume(server.inbox.last, up);
        };
        const cut = () => {
          client.live = server.live = false;
          up = [];
          down = [];
        };
        connect();
        for (const o of ops) {
          const queue = 'toServer' in o ? (o.toServer ? up : down) : [];
          const pick = 'i' in o && queue.length ? o.i % queue.length : -1;
          switch (o.t) {
            case 'clientSend': client.send(++sentUp, up); break;
            case 'serverSend': server.send(++sentDown, down); break;
            case 'deliver':
              if (queue.length) {
                // Frames on one connection arrive in order; reordering happens only by `swap` below.
                const m = queue.shift();
                const to = o.toServer ? server : client;
                const back = o.toServer ? down : up;
                if (to.receive(m!, to.live ? back : []) === 'gap') cut();
              }
              break;
            case 'duplicate': if (pick >= 0) queue.splice(pick + 1, 0, queue[pick]!); break;
            case 'drop': if (pick >= 0) cut(); break; // TCP never drops one frame alone: a loss is a cut
            case 'swap': if (pick > 0) [queue[pick - 1], queue[pick]] = [queue[pick]!, queue[pick - 1]!]; break;
            case 'cut': cut(); break;
            case 'reconnect': if (!client.live) connect(); break;
          }
        }
        // Heal: reconnect and deliver everything in order until quiet.
        for (let round = 0; round < 5; round++) {
          connect();
          for (let guard = 0; guard < 10_000 && (up.length || down.length); guard++) {
            if (up.length) server.receive(up.shift()!, down);
            if (down.length) client.receive(down.shift()!, up);
          }
        }
        expect(server.delivered).toEqual(Array.from({ length: sentUp }, (_, i) => i + 1));
        expect(client.delivered).toEqual(Array.from({ length: sentDown }, (_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });
});
