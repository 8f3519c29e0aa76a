/**
 * The runtime's reconnect policy in Node: full-jitter backoff and its bounds, immediate retries when the
 * network or the tab comes back, dead-connection detection, and the WebSocket → HTTP choice in `auto`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHeartbeat, createRetry, createTransportChoice } from '../../../runtime-client/reconnect.js';
import { installBrowser, type FakeBrowser } from '../../helpers/browser-globals.js';

const TIMEOUT = 4000; // the link's own welcome-timeout close code
let browser: FakeBrowser;

beforeEach(() => {
  vi.useFakeTimers();
  browser = installBrowser();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('retry backoff', () => {
  it('waits random(0, min(10 s, 250 ms · 2ⁿ)) before retry n', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const retry = createRetry();
    const ceilings = [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000];
    const delays = ceilings.map(() => retry.schedule(() => {}));
    ceilings.forEach((ceiling, n) => {
      expect(delays[n]).toBeLessThan(ceiling);
      expect(delays[n]).toBeGreaterThan(ceiling * 0.999);
    });
    expect(retry.attempt).toBe(ceilings.length);
    random.mockReturnValue(0);
    expect(retry.schedule(() => {})).toBe(0);
    random.mockReturnValue(0.5);
    retry.attempt = 2;
    expect(retry.schedule(() => {})).toBe(500);
    retry.dispose();
  });

  it('starts over from 250 ms once the attempt count is reset', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const retry = createRetry();
    for (let i = 0; i < 6; i++) retry.schedule(() => {});
    expect(retry.schedule(() => {})).toBe(5000);
    retry.attempt = 0;
    expect(retry.schedule(() => {})).toBe(125);
    retry.dispose();
  });

  it('runs the retry when its delay has passed, not before', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const retry = createRetry();
    retry.attempt = 3;
    const fn = vi.fn();
    expect(retry.schedule(fn)).toBe(1000);
    vi.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
    retry.dispose();
  });

  it('a new schedule replaces the pending retry', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const retry = createRetry();
    const first = vi.fn();
    const second = vi.fn();
    retry.schedule(first);
    retry.schedule(second);
    vi.advanceTimersByTime(20_000);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
    retry.dispose();
  });

  it('retries at once when the browser comes back online, and only once', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const retry = createRetry();
    retry.attempt = 10;
    const fn = vi.fn();
    retry.schedule(fn);
    browser.fire('online');
    expect(fn).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(20_000);
    browser.fire('online');
    expect(fn).toHaveBeenCalledOnce();
    retry.dispose();
  });

  it('retries at once when the tab becomes visible, not when it is hidden', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const retry = createRetry();
    retry.attempt = 10;
    const fn = vi.fn();
    retry.schedule(fn);
    browser.show('hidden');
    expect(fn).not.toHaveBeenCalled();
    browser.show('visible');
    expect(fn).toHaveBeenCalledOnce();
    retry.dispose();
  });

  it('after dispose, neither the timer nor the events run the retry', () => {
    const retry = createRetry();
    const fn = vi.fn();
    retry.schedule(fn);
    retry.dispose();
    browser.fire('online');
    browser.show('visible');
    vi.advanceTimersByTime(20_000);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('heartbeat', () => {
  it('beats every interval', () => {
    const hb = createHeartbeat();
    const beat = vi.fn();
    hb.start(1000, beat, () => {});
    vi.advanceTimersByTime(999);
    expect(beat).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(beat).toHaveBeenCalledTimes(1);
    hb.seen();
    vi.advanceTimersByTime(1000);
    expect(beat).toHaveBeenCalledTimes(2);
    hb.stop();
  });

  // 0: silence from the start; 500 and 1500: heard before the first check (at 2000) → re-armed.
  it.each([0, 500, 1500])('declares the connection dead after 2 × the interval of silence (last heard at %i ms)', (heardAt) => {
    const hb = createHeartbeat();
    const dead = vi.fn();
    hb.start(1000, () => {}, dead);
    vi.advanceTimersByTime(heardAt);
    hb.seen();
    vi.advanceTimersByTime(1999);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledOnce();
  });

  it('never declares a connection dead while frames keep arriving', () => {
    const hb = createHeartbeat();
    const dead = vi.fn();
    hb.start(1000, () => {}, dead);
    for (let t = 0; t < 20; t++) {
      vi.advanceTimersByTime(900);
      hb.seen();
    }
    expect(dead).not.toHaveBeenCalled();
    hb.stop();
  });

  it('stops beating and watching on stop()', () => {
    const hb = createHeartbeat();
    const beat = vi.fn();
    const dead = vi.fn();
    hb.start(1000, beat, dead);
    hb.stop();
    vi.advanceTimersByTime(10_000);
    expect(beat).not.toHaveBeenCalled();
    expect(dead).not.toHaveBeenCalled();
  });

  it('restarting replaces the previous timers', () => {
    const hb = createHeartbeat();
    const first = vi.fn();
    const beat = vi.fn();
    hb.start(1000, first, first);
    hb.start(5000, beat, () => {});
    vi.advanceTimersByTime(4000);
    expect(first).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(beat).toHaveBeenCalledOnce();
    hb.stop();
  });

  it('does nothing for an interval of 0 (the server turned heartbeats off)', () => {
    const hb = createHeartbeat();
    const beat = vi.fn();
    const dead = vi.fn();
    hb.start(0, beat, dead);
    // Checked before advancing: a 0 ms interval would spin the fake clock forever.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(beat).not.toHaveBeenCalled();
    expect(dead).not.toHaveBeenCalled();
  });
});

describe('transport choice', () => {
  it("uses the forced transport whatever fails in 'ws' or 'http' mode", () => {
    for (const mode of ['ws', 'http'] as const) {
      const choice = createTransportChoice(mode, TIMEOUT);
      for (let i = 0; i < 5; i++) choice.failed(mode, false, 1006);
      expect(choice.kind()).toBe(mode);
    }
    expect(browser.storage.size).toBe(0);
  });

  it('switches auto to HTTP after two WebSocket failures in a row before welcome', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    expect(choice.kind()).toBe('ws');
    choice.failed('ws', false, 1006);
    expect(choice.kind()).toBe('ws');
    choice.failed('ws', false, 1006);
    expect(choice.kind()).toBe('http');
  });

  it("counts the link's own welcome timeout as a failure", () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    choice.failed('ws', false, TIMEOUT);
    choice.failed('ws', false, TIMEOUT);
    expect(choice.kind()).toBe('http');
  });

  it('does not count a pagebound close code: the socket itself worked', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    for (const code of [4429, 4400, 4410, 4999]) choice.failed('ws', false, code);
    expect(choice.kind()).toBe('ws');
  });

  it('does not count drops after a welcome', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    for (let i = 0; i < 5; i++) choice.failed('ws', true, 1006);
    expect(choice.kind()).toBe('ws');
  });

  it('a welcome in between resets the count', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    choice.failed('ws', false, 1006);
    choice.ok('ws');
    choice.failed('ws', false, 1006);
    expect(choice.kind()).toBe('ws');
  });

  it('does not count failures while the browser is offline', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    browser.navigator.onLine = false;
    for (let i = 0; i < 5; i++) choice.failed('ws', false, 1006);
    browser.navigator.onLine = true;
    expect(choice.kind()).toBe('ws');
    choice.failed('ws', false, 1006);
    expect(choice.kind()).toBe('ws');
  });

  it('remembers HTTP for the tab once it connected where WebSocket could not', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    choice.failed('ws', false, 1006);
    choice.failed('ws', false, 1006);
    expect(browser.storage.get('pb.transport')).toBeUndefined();
    choice.ok('http');
    expect(browser.storage.get('pb.transport')).toBe('http');
    // The next page of this tab skips the failing WebSocket attempts.
    expect(createTransportChoice('auto', TIMEOUT).kind()).toBe('http');
  });

  it('goes back to WebSocket, remembering nothing, when HTTP fails too', () => {
    const choice = createTransportChoice('auto', TIMEOUT);
    choice.failed('ws', false, 1006);
    choice.failed('ws', false, 1006);
    expect(choice.kind()).toBe('http');
    choice.failed('http', false, 1006);
    expect(choice.kind()).toBe('ws');
    choice.ok('ws');
    expect(browser.storage.size).toBe(0);
  });

  it('does not remember HTTP that was chosen, not proven', () => {
    const choice = createTransportChoice('http', TIMEOUT);
    choice.ok('http');
    expect(browser.storage.size).toBe(0);
    createTransportChoice('auto', TIMEOUT).ok('http');
    expect(browser.storage.size).toBe(0);
  });

  it('uses HTTP where the browser has no WebSocket', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(createTransportChoice('auto', TIMEOUT).kind()).toBe('http');
  });

  it('works, without memory, when sessionStorage throws', () => {
    vi.unstubAllGlobals();
    installBrowser({ storageThrows: true });
    const choice = createTransportChoice('auto', TIMEOUT);
    expect(choice.kind()).toBe('ws');
    choice.failed('ws', false, 1006);
    choice.failed('ws', false, 1006);
    expect(() => choice.ok('http')).not.toThrow();
    expect(choice.kind()).toBe('http');
    expect(createTransportChoice('auto', TIMEOUT).kind()).toBe('ws');
  });
});
