/**
 * The codec: the only place a frame becomes text and text becomes a frame (docs/protocol.md §2).
 * Decoding validates shape and size and answers with a typed refusal instead of throwing, so no
 * attacker-shaped input gets past it. Shared by the server and the browser runtime (no `node:*`).
 */
import { EVENT_NAME_RE, REGION_NAME_RE } from './constants.js';
import type { ClientFrame, ServerFrame } from './frames.js';

declare const wireBrand: unique symbol;
/** A frame's encoded text. Only the codec makes one, so nothing else builds frames out of strings. */
export type Wire = string & { readonly [wireBrand]: true };

export type DecodeRefusal = { ok: false; code: 'PB_ERR_PROTOCOL' | 'PB_ERR_FRAME_TOO_LARGE'; reason: string };
export type Decoded<F> = { ok: true; frame: F; bytes: number } | DecodeRefusal;
export type DecodedBatch<F> = { ok: true; frames: Array<{ frame: F; bytes: number }> } | DecodeRefusal;

const utf8 = new TextEncoder();

/** UTF-8 length of encoded text; skips the encoder when even 3 bytes a character fits. */
export function byteLength(text: string, limit = Infinity): number {
  return text.length * 3 <= limit ? text.length : utf8.encode(text).length;
}

export function encode(frame: ClientFrame | ServerFrame): Wire {
  // The server's own frames are trusted but a redraw's regions come from rendering: a malformed list
  // is a bug in pagebound, caught here rather than as a client that drops the connection.
  if (frame.t === 'dom' && !domShape(frame as unknown as Record<string, unknown>)) throw new TypeError('a dom frame needs unique, valid region names');
  if (frame.t === 'ls' && !listShape(frame as unknown as Record<string, unknown>)) throw new TypeError('an ls frame needs a list name and valid operations');
  return JSON.stringify(frame) as Wire;
}

/** An HTTP body: a JSON array of encoded frames. */
export function encodeBatch(frames: readonly Wire[]): string {
  return `[${frames.join(',')}]`;
}

const refuse = (code: DecodeRefusal['code'], reason: string): DecodeRefusal => ({ ok: false, code, reason });
const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseJson(text: string): { ok: true; value: unknown } | DecodeRefusal {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return refuse('PB_ERR_PROTOCOL', 'not JSON');
  }
}

/** Validates one client frame's shape; null for anything malformed. */
function clientShape(value: unknown): ClientFrame | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const f = value as Record<string, unknown>;
  switch (f.t) {
    case 'hello':
      return typeof f.v === 'number' && isSeq(f.ack) ? { t: 'hello', v: f.v, ack: f.ack } : null;
    case 'ev':
      return isSeq(f.s) && f.s > 0 && typeof f.n === 'string' && EVENT_NAME_RE.test(f.n)
        ? (f.d === undefined ? { t: 'ev', s: f.s, n: f.n } : { t: 'ev', s: f.s, n: f.n, d: f.d })
        : null;
    case 'sd':
      return isSeq(f.s) && f.s > 0 && typeof f.b === 'string' && BASE64.test(f.b) ? { t: 'sd', s: f.s, b: f.b } : null;
    case 'up':
      return isSeq(f.s) && f.s > 0 && isSeq(f.u) && typeof f.b === 'string' && BASE64.test(f.b) ? { t: 'up', s: f.s, u: f.u, b: f.b } : null;
    case 'ack':
    case 'hb':
      return isSeq(f.a) ? { t: f.t, a: f.a } : null;
    case 'bye':
      return { t: 'bye' };
    default:
      return null;
  }
}

/** One client frame from a WebSocket text message. */
export function decodeClient(text: string, maxBytes: number): Decoded<ClientFrame> {
  const bytes = byteLength(text, maxBytes);
  if (bytes > maxBytes) return refuse('PB_ERR_FRAME_TOO_LARGE', 'frame over maxFrameBytes');
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const frame = clientShape(parsed.value);
  return frame ? { ok: true, frame, bytes } : refuse('PB_ERR_PROTOCOL', 'unknown frame type or fields');
}

/**
 * An HTTP send body: a non-empty JSON array of client frames, each within `maxBytes` on its own (the
 * same limit a WebSocket message has) and at most `maxFrames` of them.
 */
export function decodeClientBatch(text: string, maxBytes: number, maxFrames: number): DecodedBatch<ClientFrame> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const list = parsed.value;
  if (!Array.isArray(list) || list.length === 0) return refuse('PB_ERR_PROTOCOL', 'the body must be a non-empty JSON array of frames');
  if (list.length > maxFrames) return refuse('PB_ERR_FRAME_TOO_LARGE', 'too many frames in one request');
  const frames: Array<{ frame: ClientFrame; bytes: number }> = [];
  for (const item of list) {
    const frame = clientShape(item);
    if (!frame) return refuse('PB_ERR_PROTOCOL', 'unknown frame type or fields');
    // Re-encoding is the frame's size as a WebSocket message would carry it.
    const bytes = frame.t === 'ev' || frame.t === 'sd' || frame.t === 'up' ? byteLength(JSON.stringify(frame), maxBytes) : 16;
    if (bytes > maxBytes) return refuse('PB_ERR_FRAME_TOO_LARGE', 'frame over maxFrameBytes');
    frames.push({ frame, bytes });
  }
  return { ok: true, frames };
}

const SERVER_TYPES = new Set(['welcome', 'ev', 'dom', 'ls', 're', 'sd', 'ack', 'hb', 'expired', 'refused']);

/** A redraw: regions, and the title when it changed; never empty. */
function domShape(f: Record<string, unknown>): boolean {
  if (f.ti !== undefined && typeof f.ti !== 'string') return false;
  return regionList(f.r, f.ti !== undefined);
}

/** A redraw's region list: `[name, html]` pairs, names unique, at least one (none only beside a title). */
function regionList(r: unknown, mayBeEmpty = false): boolean {
  if (!Array.isArray(r) || (r.length === 0 && !mayBeEmpty)) return false;
  const seen = new Set<string>();
  for (const pair of r) {
    if (!Array.isArray(pair) || pair.length !== 2) return false;
    const [name, html] = pair as unknown[];
    if (typeof name !== 'string' || !REGION_NAME_RE.test(name) || typeof html !== 'string' || seen.has(name)) return false;
    seen.add(name);
  }
  return true;
}

const isListOp = (op: unknown): boolean => {
  if (!Array.isArray(op)) return false;
  const [kind, arg] = op as unknown[];
  return kind === 'x' ? op.length === 1 : (kind === 'a' || kind === 'p' || kind === 'd') && op.length === 2 && typeof arg === 'string';
};

/** Operations on a keyed list: a list name, at least one operation, an optional positive limit. */
function listShape(f: Record<string, unknown>): boolean {
  return typeof f.n === 'string' && f.n !== '' && REGION_NAME_RE.test(f.n) && Array.isArray(f.o) && f.o.length > 0 &&
    f.o.every(isListOp) && (f.m === undefined || (Number.isSafeInteger(f.m) && (f.m as number) > 0));
}

function serverShape(value: unknown): value is ServerFrame {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  if (typeof f.t !== 'string' || !SERVER_TYPES.has(f.t)) return false;
  if (f.t === 'dom') return isSeq(f.s) && f.s > 0 && domShape(f);
  if (f.t === 'ls') return isSeq(f.s) && f.s > 0 && listShape(f);
  if (f.t === 'ev' || f.t === 're' || f.t === 'sd') return isSeq(f.s) && f.s > 0;
  if (f.t === 'ack' || f.t === 'hb') return isSeq(f.a);
  if (f.t === 'welcome') return isSeq(f.ack) && typeof f.hb === 'number';
  return true;
}

/** What the runtime receives: one frame (WebSocket) or an array (HTTP); null when anything is malformed. */
export function decodeServer(text: string): ServerFrame[] | null {
  const parsed = parseJson(text);
  if (!parsed.ok) return null;
  const list: unknown[] = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  return list.every(serverShape) ? (list as ServerFrame[]) : null;
}

/** An HTTP long-poll's body: the client's ack (docs/protocol.md §5.2). */
export function encodePoll(ack: number): string {
  return JSON.stringify({ a: ack });
}

/** The ack a long-poll body carries; 0 for anything malformed (the poll then resends everything kept). */
export function decodePoll(text: string): number {
  const parsed = parseJson(text);
  const a = parsed.ok ? (parsed.value as { a?: unknown } | null)?.a : undefined;
  return isSeq(a) ? a : 0;
}
