/**
 * The two faces between a page and whatever connects it to a browser. The page (an actor) pushes
 * through a `PageOutlet` and never learns which transport, or whether any, is attached; the endpoint
 * drives the page through `PageActor`. Both are interfaces here so that imports run endpoint → page.
 */
import type { ServerFrame, Unnumbered } from '../protocol/frames.js';

/** A sequenced server frame (`ev`, `re`, `sd`) before the endpoint numbers it. */
export type OutgoingFrame = Unnumbered<ServerFrame>;

export interface PageOutlet {
  /** Numbers, keeps for replay, and sends when connected; returns the frame's sequence number. */
  push(frame: OutgoingFrame): number;
  /** Calls `listener` each time the client's ack moves forward; returns the unsubscribe. */
  onAcked(listener: (a: number) => void): () => void;
  /** The page closed: the client is told and its connection ends (`handOff`: told to reconnect, a durable page lives on elsewhere). */
  end(handOff?: boolean): void;
  /** Whether a live client holds a connection to the page right now. */
  readonly holding: boolean;
}

/** What the endpoint may do to a page. */
export interface PageActor {
  readonly id: string;
  readonly sessionId: string;
  readonly route: string;
  readonly closed: boolean;
  readonly lifecycle: 'rendering' | 'rendered' | 'connected' | 'disconnected' | 'closed';
  /** Events waiting in the mailbox. */
  readonly mailboxSize: number;
  /** Bytes of the client events waiting in the mailbox. */
  readonly mailboxBytes: number;
  /** Client stream bytes the page has not read yet, and upload bytes not yet on disk. */
  readonly streamBacklog: number;
  /** An accepted client event (`bytes` on the wire), into the mailbox. */
  takeEvent(s: number, name: string, data: unknown, bytes: number): void;
  /** Accepted client stream bytes, in order. */
  takeStream(bytes: Uint8Array): void;
  /** Accepted bytes of upload `u` (an `up` frame), in order. */
  takeUpload(u: number, bytes: Uint8Array): void;
  /** Resolves once fewer than `n` events wait (or the page closes). */
  mailboxBelow(n: number): Promise<void>;
  /** Resolves when the page next reads its stream or the disk takes upload bytes (or it ends). */
  streamRead(): Promise<void>;
  /** A connection attached (or replaced the previous one). */
  connected(): void;
  /** The connection went away; the page waits `retainMs` for a resume. */
  disconnected(): void;
  close(reason: string): Promise<void>;
}

export type OutletFactory = (page: PageActor) => PageOutlet;
