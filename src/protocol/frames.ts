/**
 * Frame shapes (docs/protocol.md §2) and the one place a received frame is decoded and validated.
 * No `node:*` imports: the browser runtime uses these types.
 */
import { EVENT_NAME_RE } from './constants.js';

export interface ErrorInfo { code: string; message: string; stack?: string }

export type ClientFrame =
  | { t: 'hello'; v: number; ack: number }
  | { t: 'ev'; s: number; n: string; d?: unknown }
  | { t: 'sd'; s: number; b: string }
  | { t: 'ack'; a: number }
  | { t: 'hb'; a: number }
  | { t: 'bye' };

export type ServerFrame =
  | { t: 'welcome'; v: number; ack: number; hb: number; cid?: string }
  | { t: 'ev'; s: number; n: string; d?: unknown }
  | { t: 're'; s: number; re: number; ok: true; d?: unknown }
  | { t: 're'; s: number; re: number; ok: false; e: ErrorInfo }
  | { t: 'sd'; s: number; b: string }
  | { t: 'ack'; a: number }
  | { t: 'hb'; a: number }
  | { t: 'expired'; reason: ExpiredReason }
  | { t: 'refused'; code: string };

export type ExpiredReason = 'unknown' | 'closed' | 'replay-overflow';

/** A frame that carries a sequence number and so is buffered until acked. */
export type Sequenced<F> = Extract<F, { s: number }>;

const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * Validates one decoded client frame. Returns null for anything malformed so the caller closes
 * with a protocol error instead of trusting attacker-shaped input.
 */
export function parseClientFrame(value: unknown): ClientFrame | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const f = value as Record<string, unknown>;
  switch (f.t) {
    case 'hello':
      return typeof f.v === 'number' && isSeq(f.ack) ? { t: 'hello', v: f.v, ack: f.ack } : null;
    case 'ev':
      return isSeq(f.s) && f.s > 0 && typeof f.n === 'string' && EVENT_NAME_RE.test(f.n)
        ? { t: 'ev', s: f.s, n: f.n, d: f.d }
        : null;
    case 'sd':
      return isSeq(f.s) && f.s > 0 && typeof f.b === 'string' ? { t: 'sd', s: f.s, b: f.b } : null;
    case 'ack':
    case 'hb':
      return isSeq(f.a) ? { t: f.t, a: f.a } : null;
    case 'bye':
      return { t: 'bye' };
    default:
      return null;
  }
}
