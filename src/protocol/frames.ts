/**
 * Frame shapes (docs/protocol.md §2) as discriminated unions. Everywhere but the codec a frame is one
 * of these typed values, never text. No `node:*` imports: the browser runtime uses these types.
 */

export interface ErrorInfo { code: string; message: string; stack?: string }

export type ExpiredReason = 'unknown' | 'closed' | 'replay-overflow';

export type HelloFrame = { t: 'hello'; v: number; ack: number };
export type ClientEventFrame = { t: 'ev'; s: number; n: string; d?: unknown };
export type StreamFrame = { t: 'sd'; s: number; b: string };
/** Bytes of upload `u` (docs/protocol.md §2.4): its files' bytes, in order, one after the other. */
export type UploadFrame = { t: 'up'; s: number; u: number; b: string };
export type AckFrame = { t: 'ack'; a: number };
export type HeartbeatFrame = { t: 'hb'; a: number };

export type ClientFrame =
  | HelloFrame
  | ClientEventFrame
  | StreamFrame
  | UploadFrame
  | AckFrame
  | HeartbeatFrame
  | { t: 'bye' };

export type ReplyFrame =
  | { t: 're'; s: number; re: number; ok: true; d?: unknown }
  | { t: 're'; s: number; re: number; ok: false; e: ErrorInfo };

/**
 * A redraw (docs/protocol.md §2.3): `r` lists regions to morph, each `[name, html]` — the region's
 * element (`data-pb-region="name"`) as it now renders, or for the name `""` the whole `<body>`.
 */
export type DomFrame = { t: 'dom'; s: number; r: Array<[string, string]>; ti?: string };

/**
 * One operation on a keyed list (docs/protocol.md §2.4): append or prepend an item's HTML (an item
 * whose `id` is already in the list is morphed in place instead), delete the item with an id, or
 * clear the list.
 */
export type ListOp = ['a', string] | ['p', string] | ['d', string] | ['x'];

/** Operations on the keyed list `n` (`data-pb-list="n"`), in order; `m`: keep at most this many items. */
export type ListFrame = { t: 'ls'; s: number; n: string; o: ListOp[]; m?: number };

export type ServerFrame =
  | { t: 'welcome'; v: number; ack: number; hb: number; cid?: string }
  | { t: 'ev'; s: number; n: string; d?: unknown }
  | DomFrame
  | ListFrame
  | ReplyFrame
  | StreamFrame
  | AckFrame
  | HeartbeatFrame
  | { t: 'expired'; reason: ExpiredReason }
  | { t: 'refused'; code: string };

/** A frame that carries a sequence number and so is kept until acked. */
export type Sequenced<F> = Extract<F, { s: number }>;

type WithoutSeq<F> = F extends unknown ? Omit<F, 's'> : never;
/** A sequenced frame before its sender numbers it. */
export type Unnumbered<F> = WithoutSeq<Sequenced<F>>;

