/**
 * The client end of one page instance's sequenced stream (docs/protocol.md §2–3), independent of any
 * transport: the same Outbox/Inbox rules as the server (src/protocol/sequence.ts) — numbers outgoing
 * frames and keeps them until acked so a resume can resend them, takes each server frame once and
 * in order, and acks what it processed. It outlives connections.
 */
import { Defaults } from '../src/protocol/constants.js';
import { byteLength, encode, type Wire } from '../src/protocol/codec.js';
import type { ClientFrame, ServerFrame, Unnumbered } from '../src/protocol/frames.js';
import { Inbox, Outbox, type Verdict as SeqVerdict } from '../src/protocol/sequence.js';
import { pbError } from './errors.js';

/** An outgoing sequenced frame before the channel numbers it. */
export type OutBody = Unnumbered<ClientFrame>;

export interface ChannelSink {
  /** Encoded frames for the live connection. Called only between `welcome()` and `down()`. */
  send(frames: Wire[]): void;
  /** Whether the live connection carries acks itself (HTTP polls do), so standalone acks are not sent. */
  carriesAcks?(): boolean;
  /** The server has processed every client frame up to `a`. */
  acked?(a: number): void;
}

export interface ChannelOptions {
  maxQueuedEvents?: number;
  ackDelayMs?: number;
  maxFrameBytes?: number;
}

/** `control`: not sequenced; the rest as in src/protocol/sequence.ts. */
export type Verdict = SeqVerdict | 'control';

export interface Channel {
  /** Last server sequence processed: the `ack` of the next `hello` and of every poll. */
  readonly lastIn: number;
  /** Last client sequence assigned. */
  readonly lastOut: number;
  /** Outgoing frames the server has not acked yet (sent, or waiting for a connection). */
  readonly queued: number;
  /** Numbers and buffers a frame, sending it at once when live; returns its `s`. */
  push(body: OutBody): number;
  /** Sends an unsequenced frame on the live connection (dropped when offline). */
  control(frame: ClientFrame): void;
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
  let out = new Outbox<Wire>();
  const inbox = new Inbox();
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
      if (live && !sink.carriesAcks?.()) sink.send([encode({ t: 'ack', a: inbox.last })]);
    }, opts.ackDelayMs ?? Defaults.ackDelayMs);
  };

  const channel: Channel = {
    get lastIn() {
      return inbox.last;
    },
    get lastOut() {
      return out.lastSent;
    },
    get queued() {
      return out.size;
    },
    // Every check runs before the sequence number is taken: a refused frame must not leave a gap.
    push(body) {
      if (out.size >= max) throw pbError('PB_ERR_QUEUE_FULL', `Over ${max} events wait for the server (maxQueuedEvents).`);
      const wire = encode({ ...body, s: out.nextSeq } as ClientFrame);
      // Over the limit the server refuses it, and every resend would be refused the same way.
      if (byteLength(wire, maxBytes) > maxBytes) {
        throw pbError('PB_ERR_FRAME_TOO_LARGE', `Frame over ${maxBytes} bytes (maxFrameBytes).`);
      }
      const s = out.push(wire, wire.length);
      if (live) sink.send([wire]);
      return s;
    },
    control(frame) {
      if (live) sink.send([encode(frame)]);
    },
    receive(f) {
      if ('s' in f) {
        const verdict = inbox.accept(f.s);
        // A duplicate means the server resent because our ack was lost: ack again so it stops.
        if (verdict !== 'gap') scheduleAck();
        return verdict;
      }
      if (f.t === 'ack' || f.t === 'hb') channel.ack(f.a);
      return 'control';
    },
    welcome(ack) {
      channel.ack(ack);
      live = true;
      const resend = out.after(ack).map((k) => k.payload);
      if (resend.length) sink.send(resend);
    },
    ack(a) {
      if (out.ack(a)) sink.acked?.(out.acked);
    },
    heartbeat() {
      if (!live) return;
      clearAck();
      sink.send([encode({ t: 'hb', a: inbox.last })]);
    },
    down() {
      live = false;
      clearAck();
    },
    close() {
      channel.down();
      out.clear();
    },
  };
  return channel;
}
