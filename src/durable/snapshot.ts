/**
 * A durable page's snapshot: what a node needs to take the page over — its route, a digest of the
 * session that owns it, its state, and its endpoint's position (the last client frame the state
 * holds, and the outbox's numbers). The frames not yet acked are stored beside it (store.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EndpointPosition } from '../endpoint/page-endpoint.js';
import { PB_ERR_DURABLE_STATE } from '../errors.js';

export interface Snapshot {
  v: 1;
  /** The route pattern the page was rendered for (`/chat/:room`). */
  route: string;
  /** sha256 of the owning session id: the store never holds the session itself. */
  session: string;
  state: unknown;
  at: EndpointPosition;
  /**
   * What a redraw renders with besides the state (params, query, url, base and the JSON part of what
   * `get` returned), so the node that takes a redrawing page over can redraw it; absent for a page
   * that does not redraw.
   */
  view?: Record<string, unknown>;
}

export const sessionDigest = (sessionId: string): string => createHash('sha256').update(sessionId).digest('base64url');

export function sameSession(snapshot: Snapshot, sessionId: string): boolean {
  const a = Buffer.from(snapshot.session);
  const b = Buffer.from(sessionDigest(sessionId));
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The state as JSON, checked to be plain data that comes back as it was: only null, booleans,
 * finite numbers, strings, arrays and plain objects, with no cycles, at most `maxBytes`. Throws
 * PB_ERR_DURABLE_STATE naming the problem (never the value).
 */
export function stateJson(state: unknown, maxBytes: number): string {
  const problem = notPlain(state, new Set());
  if (problem) throw new PB_ERR_DURABLE_STATE(problem, maxBytes);
  const json = state === undefined ? 'null' : JSON.stringify(state);
  // A JS string's length is at most its UTF-8 size, so the exact count is needed only near the limit.
  if (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes) {
    throw new PB_ERR_DURABLE_STATE('is too large', maxBytes);
  }
  return json;
}

function notPlain(value: unknown, path: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'holds a number that is not finite';
    case 'object': {
      if (value === null) return undefined;
      if (path.has(value)) return 'holds a cycle';
      const proto = Object.getPrototypeOf(value);
      const array = Array.isArray(value);
      if (!array && proto !== Object.prototype && proto !== null) return 'holds an object that is not plain (a class instance, Map, Set or Date)';
      path.add(value);
      for (const v of array ? value : Object.values(value)) {
        if (v === undefined && !array) continue; // JSON drops it; the key simply is not restored.
        const problem = v === undefined ? 'holds undefined in an array' : notPlain(v, path);
        if (problem) return problem;
      }
      path.delete(value);
      return undefined;
    }
    case 'undefined':
      return undefined;
    default:
      return `holds a ${typeof value}`;
  }
}

export function encodeSnapshot(route: string, session: string, stateText: string, at: EndpointPosition, viewText?: string): string {
  // The state (and view) are spliced in as the JSON already checked, not stringified twice.
  const view = viewText === undefined ? '' : `,"view":${viewText}`;
  return `{"v":1,"route":${JSON.stringify(route)},"session":${JSON.stringify(session)},"at":${JSON.stringify(at)},"state":${stateText}${view}}`;
}

/**
 * The view of a redrawing durable page as JSON: its first render's data without what is one
 * render's own (the CSP nonce, the flash message), without the fields the state overlays in every
 * redraw anyway, and without values that are not plain JSON (a function or a Date `get` returned
 * cannot move; a template that needs one on another node must take it from `state`). Throws
 * PB_ERR_DURABLE_STATE when it is over `maxBytes`.
 */
export function redrawView(data: Record<string, unknown>, state: unknown, maxBytes: number): string {
  const overlaid = typeof state === 'object' && state !== null && !Array.isArray(state) ? state : {};
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'nonce' || key === 'flash' || Object.hasOwn(overlaid, key)) continue;
    if (notPlain(value, new Set()) === undefined) view[key] = value;
  }
  const json = JSON.stringify(view);
  if (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes) {
    throw new PB_ERR_DURABLE_STATE('has a first render whose data (what `get` returned) is too large', maxBytes);
  }
  return json;
}

/** A stored snapshot, or undefined when it is not one this version can restore. */
export function decodeSnapshot(data: string): Snapshot | undefined {
  try {
    const s = JSON.parse(data) as Snapshot;
    if (s?.v !== 1 || typeof s.route !== 'string' || typeof s.session !== 'string' || typeof s.at?.in !== 'number') return undefined;
    const out = s.at.out;
    if (!out || ![out.next, out.acked, out.floor].every(Number.isSafeInteger)) return undefined;
    return s;
  } catch {
    return undefined;
  }
}
