/**
 * The default reaction to an expired page: reload it once, never in a loop — at most one reload per
 * path per 10 s, and none at all when sessionStorage cannot hold the guard.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reloadOnce } from '../../../runtime-client/reload.js';
import { installBrowser, type FakeBrowser } from '../../helpers/browser-globals.js';

let browser: FakeBrowser;
let location: { pathname: string; reload: ReturnType<typeof vi.fn> };

function stubLocation(pathname: string) {
  location = { pathname, reload: vi.fn() };
  vi.stubGlobal('location', location);
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
  browser = installBrowser();
  stubLocation('/board');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('reloadOnce', () => {
  it('reloads an expired page', () => {
    reloadOnce();
    expect(location.reload).toHaveBeenCalledOnce();
    expect(browser.storage.get('pb.reloaded./board')).toBe(String(Date.now()));
  });

  it('does not reload again when the fresh page expires within 10 s', () => {
    reloadOnce();
    vi.advanceTimersByTime(9_999);
    reloadOnce();
    expect(location.reload).toHaveBeenCalledOnce();
  });

  it('reloads again once 10 s have passed', () => {
    reloadOnce();
    vi.advanceTimersByTime(10_000);
    reloadOnce();
    expect(location.reload).toHaveBeenCalledTimes(2);
  });

  it('guards each path on its own', () => {
    reloadOnce();
    stubLocation('/other');
    reloadOnce(); // a different page expiring right after still gets its reload
    expect(location.reload).toHaveBeenCalledOnce();
    stubLocation('/board');
    reloadOnce();
    expect(location.reload).not.toHaveBeenCalled();
  });

  it('never reloads when sessionStorage cannot keep the guard', () => {
    vi.unstubAllGlobals();
    installBrowser({ storageThrows: true });
    stubLocation('/board');
    reloadOnce();
    reloadOnce();
    expect(location.reload).not.toHaveBeenCalled();
  });
});
