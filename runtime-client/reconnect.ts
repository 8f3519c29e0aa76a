/**
 * Reconnect policy: when to retry, how to notice a dead connection, and which transport to use.
 *
 * Backoff is "full jitter": retry n waits random(0, min(10 s, 250 ms · 2ⁿ)). The randomness spreads
 * out the tabs a server restart disconnects all at once; the 10 s cap keeps an offline tab coming
 * back within seconds of the network. The window `online` event and the tab becoming visible retry
 * at once, since those are the moments a retry is likely to work and someone is looking.
 *
 * A connection that hears nothing for 2 × the welcome's `hb` interval is presumed dead (a half-open
 * TCP connection after sleep or a network change reports nothing on its own).
 *
 * In `auto` mode a WebSocket that fails twice in a row before its `welcome` switches the page to
 * HTTP. Once HTTP has connected where WebSocket could not, the choice is remembered for the tab in
 * sessionStorage so later pages skip the failing attempts; if HTTP fails too, the problem is not
 * WebSocket (server restarting, network down), so nothing is remembered and WebSocket is tried
 * again. Failures while the browser reports itself offline do not count at all.
 */
import type { Transport } from './transports/transport.js';

export type TransportMode = 'ws' | 'http' | 'auto';

const BASE_MS = 250;
const CAP_MS = 10_000;
/** A connection that lived this long counts as healthy, so the next drop starts backoff over. */
export const STABLE_MS = CAP_MS;
const TRANSPORT_KEY = 'pb.transport';

export const storage = {
  get(key: string): string | null {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // Storage disabled: the choice then lasts for this page only.
    }
  },
};

export interface Retry {
  /** Retries scheduled since the last reset; the next delay grows with it. */
  attempt: number;
  /** Runs `fn` after the next backoff delay, which it returns. */
  schedule(fn: () => void): number;
  dispose(): void;
}

export function createRetry(): Retry {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: (() => void) | undefined;
  const wake = (): void => {
    const fn = pending;
    clearTimeout(timer);
    pending = undefined;
    fn?.();
  };
  const visible = (): void => {
    if (document.visibilityState === 'visible') wake();
  };
  addEventListener('online', wake);
  document.addEventListener('visibilitychange', visible);
  const retry: Retry = {
    attempt: 0,
    schedule(fn) {
      clearTimeout(timer);
      const delay = Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** retry.attempt++);
      pending = fn;
      timer = setTimeout(wake, delay);
      return delay;
    },
    dispose() {
      clearTimeout(timer);
      pending = undefined;
      removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', visible);
    },
  };
  return retry;
}

export interface Heartbeat {
  start(ms: number, beat: () => void, dead: () => void): void;
  /** Something arrived: the connection is alive. */
  seen(): void;
  stop(): void;
}

export function createHeartbeat(): Heartbeat {
  let last = 0;
  let beatTimer: ReturnType<typeof setInterval> | undefined;
  let watchTimer: ReturnType<typeof setTimeout> | undefined;
  const hb: Heartbeat = {
    start(ms, beat, dead) {
      hb.stop();
      if (!(ms > 0)) return;
      hb.seen();
      beatTimer = setInterval(beat, ms);
      // Re-armed lazily instead of on every frame: one timer per 2 × hb, however busy the stream.
      const check = (): void => {
        const idle = Date.now() - last;
        if (idle >= 2 * ms) dead();
        else watchTimer = setTimeout(check, 2 * ms - idle);
      };
      watchTimer = setTimeout(check, 2 * ms);
    },
    seen() {
      last = Date.now();
    },
    stop() {
      clearInterval(beatTimer);
      clearTimeout(watchTimer);
    },
  };
  return hb;
}

export interface TransportChoice {
  /** The transport for the next connection. */
  kind(): Transport['kind'];
  /** A connection ended before (`welcomed` false) or after its welcome, with this close code. */
  failed(kind: Transport['kind'], welcomed: boolean, code: number): void;
  /** A connection of this kind was welcomed. */
  ok(kind: Transport['kind']): void;
}

/** `timeoutCode`: the close code of our own welcome timeout, which counts as a failure. */
export function createTransportChoice(mode: TransportMode = 'auto', timeoutCode: number): TransportChoice {
  let failures = 0;
  /** Trying HTTP after WebSocket failures, not yet proven. */
  let trial = false;
  return {
    kind: () =>
      mode !== 'auto'
        ? mode
        : trial || typeof WebSocket !== 'function' || storage.get(TRANSPORT_KEY) === 'http'
          ? 'http'
          : 'ws',
    failed(kind, welcomed, code) {
      if (mode !== 'auto' || welcomed || !navigator.onLine) return;
      if (kind === 'http') {
        trial = false;
        return;
      }
      // A pagebound close code (4xxx) proves the socket itself works; only network-level failures count.
      if (code >= 4000 && code !== timeoutCode) return;
      if (++failures >= 2) {
        failures = 0;
        trial = true;
      }
    },
    ok(kind) {
      failures = 0;
      if (trial && kind === 'http') storage.set(TRANSPORT_KEY, 'http');
    },
  };
}
