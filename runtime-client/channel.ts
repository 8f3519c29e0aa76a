/**
 * The client end of one page instance's sequenced stream (docs/protocol.md §2–3), independent of any
 * transport: numbers outgoing frames, keeps them until the server acks them so a resume can resend
 * them, drops server frames it already processed, and acks what it processed. It outlives
 * connections, which is what makes delivery exactly-once and in order across reconnects.
 */
import { Defaults } from '../src/protocol/constants.js';
import type { ClientFrame, Sequenced, ServerFrame } from '../src/protocol/frames.js';
import { pbError } from './errors.js';

type WithoutSeq<F> = F extends unknown ? Omit<F, 's'> : never;
/** An outgoing sequenced frame before the channel numbers it. */
export type OutBody = WithoutSeq<Sequenced<ClientFrame>>;

export interface ChannelSink {
  /** Encoded frames for the live connection. Called only between `welcome()` and `down()`. */
  send(frames: string[]): void;
  /** The server has processed every client frame up to `a`. */
  acked?(a: number): void;
}

export interface ChannelOptions {
  maxQueuedEvents?: number;
  ackDelayMs?: number;
  maxFrameBytes?: number;
}

/** `new`: deliver it; `duplicate`: already processed; `gap`: frames were lost, resume; `control`: not sequenced. */
export type Verdict = 'new' | 'duplicate' | 'gap' | 'control';

const utf8 = new TextEncoder();

export interface Channel {
  /** Last server sequence processed: the `ack` of the next `hello` and of every poll. */
  readonly lastIn: number;
  /** Last client sequence assigned. */
  readonly lastOut: number;
  /** Outgoing frames the server has not acked yet (sent, or waiting for a connection). */
  readonly queued: number;
  /** Numbers and buffers a frame, sending it at once when live; returns its `s`. */
  push(body: OutBody): number;
  /** Classifies one received frame and applies any ack it carries. */
  receive(f: ServerFrame): Verdict;
  /** The connection is resumed: drop what the server has, resend the rest in order. */
  welcome(ack: number): void;
  ack(a: number): void;
  /** Sends `hb{a}`; it carries our ack, so a pending standalone ack is dropped. */
  heartbeat(): void;
  /** The connection is gone; frames stay buffered for the next `welcome`. */
  down(): void;
  /** The instance is over: nothing will be resent. */
  close(): void;
}

export function createChannel(sink: ChannelSink, opts: ChannelOptions = {}): Channel {
  const max = opts.maxQueuedEvents ?? Defaults.maxQueuedEvents;
  const maxBytes = opts.maxFrameBytes ?? Defaults.maxFrameBytes;
  let out: Array<[s: number, json: string]> = [];
  let next = 1;
  let lastIn = 0;
  let acked = 0;
  let live = false;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;

  const clearAck = (): void => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
  };
  const scheduleAck = (): void => {
    ackTimer ??= setTimeout(() => {
      ackTimer = undefined;
      // Offline, the next hello carries the ack instead.
      if (live) sink.send([JSON.stringify({ t: 'ack', a: lastIn })]);
    }, opts.ackDelayMs ?? Defaults.ackDelayMs);
  };

  const channel: Channel = {
    get lastIn() {
      return lastIn;
    },
    get lastOut() {
      return next - 1;
    },
    get queued() {
      return out.length;
    },
    // Every check runs before the sequence number is taken: a refused frame must not leave a gap.
    push(body) {
      if (out.length >= max) throw pbError('PB_ERR_QUEUE_FULL', `Over ${max} events wait for the server (maxQueuedEvents).`);
      const s = next;
      const json = JSON.stringify({ ...body, s });
      // Over the limit the server closes 1009, and every resend would be refused the same way.
      if (json.length * 3 > maxBytes && utf8.encode(json).length > maxBytes) {
        throw pbError('PB_ERR_FRAME_TOO_LARGE', `Frame over ${maxBytes} bytes (maxFrameBytes).`);
      }
      next++;
      out.push([s, json]);
      if (live) sink.send([json]);
      return s;
    },
    receive(f) {
      if ('s' in f) {
        if (f.s <= lastIn) {
          // The server resent it because our ack was lost: ack again so it stops.
          scheduleAck();
          return 'duplicate';
        }
        if (f.s !== lastIn + 1) return 'gap';
        lastIn = f.s;
        scheduleAck();
        return 'new';
      }
      if (f.t === 'ack' || f.t === 'hb') channel.ack(f.a);
      return 'control';
    },
    welcome(ack) {
      channel.ack(ack);
      live = true;
      if (out.length) sink.send(out.map((b) => b[1]));
    },
    ack(a) {
      let i = 0;
      while (i < out.length && out[i]![0] <= a) i++;
      if (i) out.splice(0, i);
      if (a > acked) sink.acked?.((acked = a));
    },
    heartbeat() {
      if (!live) return;
      clearAck();
      sink.send([JSON.stringify({ t: 'hb', a: lastIn })]);
    },
    down() {
      live = false;
      clearAck();
    },
    close() {
      channel.down();
      out = [];
    },
  };
  return channel;
}
