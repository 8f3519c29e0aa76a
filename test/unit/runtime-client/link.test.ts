/**
 * The runtime's link — one page instance's connection life — in Node, over fake transports (the two
 * real transport modules are replaced with vi.mock, so link.ts needs no test seam): hello on open,
 * resend after welcome, the reaction to every close code (src/protocol/refusals.ts), expiry frames,
 * duplicates and gaps, heartbeat and connect timeouts, the ws → http switch, and stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../../src/protocol/frames.js';
import { reactionToClose } from '../../../src/protocol/refusals.js';
import { createLink } from '../../../runtime-client/link.js';
import { installBrowser, type FakeBrowser } from '../../helpers/browser-globals.js';
import { made, type Fake } from '../../helpers/fake-transports.js';

vi.mock('../../../runtime-client/transports/websocket.js', () => import('../../helpers/fake-transports.js'));
vi.mock('../../../runtime-client/transports/http.js', () => import('../../helpers/fake-transports.js'));


const ID = 'V1StGXR8_Z5jdHi6B-myT';
const HB = 15_000;
const welcome = (ack = 0, hb = HB): ServerFrame => ({ t: 'welcome', v: 1, ack, hb });
const ev = (s: number, n = 'tick'): ServerFrame => ({ t: 'ev', s, n, d: s });

let browser: FakeBrowser;

beforeEach(() => {
  made.length = 0;
  vi.useFakeTimers();
  browser = installBrowser();
  // The top of each backoff range, so delays are known: random(0, ceiling) ≈ ceiling.
  vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function setup(opts: { transport?: 'auto' | 'ws' | 'http' } = {}) {
  const delivered: ServerFrame[] = [];
  /** [type, detail, frames the live transport had sent when the status was reported] */
  const statuses: Array<[string, Record<string, unknown>, number]> = [];
  const ends: Array<{ code: number; expiry?: unknown; error?: unknown }> = [];
  const link = createLink(
    { base: '/_pagebound', path: '/chat', transport: opts.transport },
    {
      deliver: (f) => delivered.push(f),
      acked: () => {},
      status: (type, detail) => statuses.push([type, detail, made.at(-1)?.sent.length ?? 0]),
      end: (code, expiry, error) => ends.push({ code, expiry, error }),
    },
  );
  const last = () => made.at(-1)!;
  const serve = (...frames: ServerFrame[]) => last().on.frames(frames);
  const close = (code: number) => last().on.close(code, '');
  return { link, delivered, statuses, ends, last, serve, close };
}

/** Runs the pending reconnect; returns the new transport. */
function reconnect(): Fake {
  const before = made.length;
  vi.advanceTimersByTime(10_000);
  expect(made.length).toBe(before + 1);
  return made.at(-1)!;
}

describe('opening', () => {
  it('opens a transport at the page id with hello ack 0, then reports open on welcome', () => {
    const { link, statuses, serve } = setup();
    link.start(ID);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ kind: 'ws', base: '/_pagebound', opened: { id: ID, ack: 0 } });
    expect(statuses).toEqual([]);
    serve(welcome());
    expect(statuses.map(([t, d]) => [t, d])).toEqual([['open', {}]]);
    expect(link.stats).toMatchObject({ transport: 'ws', connects: 1 });
  });

  it('holds events sent before the welcome and sends them, in order, when it comes', () => {
    const { link, serve, last } = setup();
    link.start(ID);
    link.channel.push({ t: 'ev', n: 'a' });
    link.channel.push({ t: 'ev', n: 'b' });
    expect(last().sent).toEqual([]);
    serve(welcome());
    expect(last().sent.map((f) => [f.s, f.n])).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('sends events at once while welcomed', () => {
    const { link, serve, last } = setup();
    link.start(ID);
    serve(welcome());
    link.channel.push({ t: 'ev', n: 'now' });
    expect(last().sent).toEqual([{ t: 'ev', n: 'now', s: 1 }]);
  });
});

describe('resume', () => {
  it('reconnects with hello carrying the last frame processed, and resends what the server lacks', () => {
    const { link, serve, close, statuses, delivered } = setup();
    link.start(ID);
    serve(welcome(), ev(1), ev(2), ev(3));
    for (const n of ['a', 'b', 'c']) link.channel.push({ t: 'ev', n });
    close(1006);
    link.channel.push({ t: 'ev', n: 'd' }); // while offline
    const next = reconnect();
    expect(next.opened).toEqual({ id: ID, ack: 3 });
    expect(next.sent).toEqual([]);
    serve(welcome(1)); // the server has event 1 only
    expect(next.sent.map((f) => [f.s, f.n])).toEqual([[2, 'b'], [3, 'c'], [4, 'd']]);
    expect(statuses.map(([t]) => t)).toEqual(['open', 'disconnect', 'reconnecting', 'resume']);
    expect(delivered.map((f) => (f as { s: number }).s)).toEqual([1, 2, 3]);
  });

  it('resends before reporting resume, so what listeners send on resume goes after the backlog', () => {
    const { link, serve, close, statuses } = setup();
    link.start(ID);
    serve(welcome());
    link.channel.push({ t: 'ev', n: 'old' });
    close(1006);
    const next = reconnect();
    serve(welcome(0));
    const [type, , sentBefore] = statuses.at(-1)!;
    expect(type).toBe('resume');
    expect(sentBefore).toBe(1);
    expect(next.sent[0]).toMatchObject({ n: 'old', s: 1 });
  });
});

describe('close codes', () => {
  it.each([
    [4410, 'unknown'],
    [4403, 'refused'],
  ])('%i: expires the instance and never reconnects', (code, reason) => {
    const { link, serve, close, ends, statuses } = setup();
    link.start(ID);
    serve(welcome());
    close(code);
    expect(reactionToClose(code)).toBe('expire');
    expect(ends).toEqual([{ code, expiry: { reason }, error: undefined }]);
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(1);
    expect(statuses.map(([t]) => t)).toEqual(['open']);
  });

  it.each([4409, 1000])('%i: ends quietly, with no expiry and no reconnect', (code) => {
    const { link, serve, close, ends } = setup();
    link.start(ID);
    serve(welcome());
    close(code);
    expect(reactionToClose(code)).toBe('end');
    expect(ends).toEqual([{ code, expiry: undefined, error: undefined }]);
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(1);
  });

  it.each([1006, 4000, 1012])('%i: reconnects, backoff restarting at 250 ms after a welcomed connection', (code) => {
    const { link, serve, close, statuses, ends } = setup();
    link.start(ID);
    for (let round = 0; round < 3; round++) {
      serve(welcome());
      close(code);
      const [type, detail] = statuses.at(-1)!;
      expect(type).toBe('reconnecting');
      expect(detail).toMatchObject({ attempt: 1, code });
      expect(detail.delay).toBeLessThan(250);
      reconnect();
    }
    expect(ends).toEqual([]);
  });

  it.each([4429, 4400])('%i: reconnects, but backoff keeps growing while the server pushes back', (code) => {
    const { link, serve, close, statuses } = setup();
    link.start(ID);
    const delays: number[] = [];
    for (let round = 0; round < 4; round++) {
      serve(welcome());
      close(code);
      delays.push(statuses.at(-1)![1].delay as number);
      reconnect();
    }
    expect(reactionToClose(code)).toBe('backoff');
    expect(delays.map((d) => Math.ceil(d))).toEqual([250, 500, 1000, 2000]);
  });

  it('a pushback after a connection that held 10 s restarts backoff', () => {
    const { link, serve, close, statuses } = setup();
    link.start(ID);
    serve(welcome());
    close(4429);
    reconnect();
    serve(welcome());
    close(4429);
    expect(statuses.at(-1)![1]).toMatchObject({ attempt: 2 });
    reconnect();
    serve(welcome());
    vi.advanceTimersByTime(10_000);
    serve({ t: 'hb', a: 0 });
    close(4429);
    expect(statuses.at(-1)![1]).toMatchObject({ attempt: 1 });
  });

  it('failures before any welcome keep growing the backoff', () => {
    const { link, close, statuses } = setup();
    link.start(ID);
    const attempts: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      close(1006);
      attempts.push(statuses.at(-1)![1].attempt);
      reconnect();
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(statuses.some(([t]) => t === 'disconnect')).toBe(false);
  });

  it('ignores a close reported by a transport it already left', () => {
    const { link, serve, ends } = setup();
    link.start(ID);
    serve(welcome());
    const old = made[0]!;
    old.on.close(1006, '');
    const next = reconnect();
    next.on.frames([welcome()]);
    old.on.close(4410, ''); // late news from the dead connection
    expect(ends).toEqual([]);
    expect(link.stats.transport).toBe('ws');
  });
});

describe('server frames', () => {
  it('an expired frame ends the link with its reason and closes the transport', () => {
    const { link, serve, ends, last, delivered } = setup();
    link.start(ID);
    serve(welcome(), ev(1), { t: 'expired', reason: 'replay-overflow' }, ev(2));
    expect(ends).toEqual([{ code: 4410, expiry: { reason: 'replay-overflow' }, error: undefined }]);
    expect(last().closedWith).toBeDefined();
    expect(delivered).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(1);
  });

  it('a refused frame ends the link with the refusal code', () => {
    const { link, serve, ends } = setup();
    link.start(ID);
    serve({ t: 'refused', code: 'PB_ERR_SESSION_MISMATCH' });
    expect(ends).toEqual([{ code: 4403, expiry: { reason: 'refused', code: 'PB_ERR_SESSION_MISMATCH' }, error: undefined }]);
  });

  it('delivers each sequenced frame once, dropping duplicates', () => {
    const { link, serve, delivered } = setup();
    link.start(ID);
    serve(welcome(), ev(1), ev(2), ev(2), ev(1), ev(3));
    serve(ev(3));
    expect(delivered.map((f) => (f as { s: number }).s)).toEqual([1, 2, 3]);
  });

  it('on a gap, drops the connection with 4400, delivers nothing after it and resumes from the last frame', () => {
    const { link, serve, delivered, last } = setup();
    link.start(ID);
    serve(welcome(), ev(1), ev(2), ev(4), ev(5));
    expect(delivered.map((f) => (f as { s: number }).s)).toEqual([1, 2]);
    expect(last().closedWith).toBe(4400);
    const next = reconnect();
    expect(next.opened).toEqual({ id: ID, ack: 2 });
    next.on.frames([welcome(), ev(3), ev(4)]);
    expect(delivered.map((f) => (f as { s: number }).s)).toEqual([1, 2, 3, 4]);
  });

  it('ignores frames from a transport it already dropped', () => {
    const { link, serve, delivered } = setup();
    link.start(ID);
    serve(welcome(), ev(1));
    const old = made[0]!;
    old.on.close(1006, '');
    old.on.frames([ev(2)]);
    expect(delivered).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('sends heartbeats and drops a connection silent for 2 × the welcome interval', () => {
    const { link, serve, last, statuses } = setup();
    link.start(ID);
    serve(welcome(0, 1000));
    vi.advanceTimersByTime(1000);
    expect(last().sent).toContainEqual({ t: 'hb', a: 0 });
    vi.advanceTimersByTime(999);
    expect(last().closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(last().closedWith).toBe(4000);
    expect(statuses.map(([t]) => t)).toEqual(['open', 'disconnect', 'reconnecting']);
  });

  it('keeps a connection that the server keeps talking on', () => {
    const { link, serve, last } = setup();
    link.start(ID);
    serve(welcome(0, 1000));
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1500);
      serve({ t: 'hb', a: 0 });
    }
    expect(last().closedWith).toBeUndefined();
    expect(made).toHaveLength(1);
  });

  it('drops a connection that gets no welcome within 10 s', () => {
    const { link, last, statuses } = setup();
    link.start(ID);
    vi.advanceTimersByTime(9_999);
    expect(last().closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(last().closedWith).toBe(4000);
    expect(statuses.at(-1)![0]).toBe('reconnecting');
  });
});

describe('transport choice', () => {
  it('in auto mode, moves to HTTP after two WebSocket failures before welcome, and remembers it once HTTP works', () => {
    const { link, close } = setup();
    link.start(ID);
    expect(made[0]!.kind).toBe('ws');
    close(1006);
    expect(reconnect().kind).toBe('ws');
    close(1006);
    const http = reconnect();
    expect(http.kind).toBe('http');
    expect(http.opened).toEqual({ id: ID, ack: 0 });
    http.on.frames([welcome()]);
    expect(browser.storage.get('pb.transport')).toBe('http');
  });

  it('counts welcome timeouts as failures', () => {
    const { link } = setup();
    link.start(ID);
    vi.advanceTimersByTime(10_000); // timeout
    reconnect();
    vi.advanceTimersByTime(10_000); // timeout again, and the retry below
    expect(made.map((t) => t.kind)).toEqual(['ws', 'ws', 'http']);
  });

  it('does not switch for failures while offline', () => {
    const { link, close } = setup();
    browser.navigator.onLine = false;
    link.start(ID);
    for (let i = 0; i < 4; i++) {
      close(1006);
      reconnect();
    }
    expect(made.every((t) => t.kind === 'ws')).toBe(true);
  });

  it("uses the forced transport in 'http' mode", () => {
    const { link } = setup({ transport: 'http' });
    link.start(ID);
    expect(made[0]!.kind).toBe('http');
  });
});

describe('stop', () => {
  it('says bye in-band on a live connection and ends with 1000', () => {
    const { link, serve, last, ends } = setup();
    link.start(ID);
    serve(welcome());
    link.stop(false);
    expect(last().sent.at(-1)).toEqual({ t: 'bye' });
    expect(ends).toEqual([{ code: 1000, expiry: undefined, error: undefined }]);
    expect(browser.navigator.sendBeacon).not.toHaveBeenCalled();
    expect(last().closedWith).toBeDefined();
  });

  it('sends a beacon when not connected, or when asked to (page unload)', () => {
    const { link, close } = setup();
    link.start(ID);
    close(1006);
    link.stop(false);
    expect(browser.navigator.sendBeacon).toHaveBeenCalledWith('/_pagebound/bye', ID);
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(1);
  });

  it('sends a beacon when stopped while still connecting (no welcome yet)', () => {
    const { link, last } = setup();
    link.start(ID);
    link.stop(false);
    expect(browser.navigator.sendBeacon).toHaveBeenCalledWith('/_pagebound/bye', ID);
    expect(last().sent).toEqual([]);
  });

  it('ends once: a second stop or a late close does nothing', () => {
    const { link, serve, ends } = setup();
    link.start(ID);
    serve(welcome());
    link.stop(true);
    link.stop(true);
    made[0]!.on.close(4410, '');
    expect(ends).toHaveLength(1);
    expect(browser.navigator.sendBeacon).toHaveBeenCalledOnce();
  });
});

describe('socket-only modules (POST /open)', () => {
  const answer = (status: number, body: unknown) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

  it('asks the server for an instance of the module, then connects to it', async () => {
    const fetch = answer(200, { id: ID });
    vi.stubGlobal('fetch', fetch);
    const { link } = setup();
    link.start();
    await vi.waitFor(() => expect(made).toHaveLength(1));
    expect(fetch).toHaveBeenCalledWith('/_pagebound/open', expect.objectContaining({ method: 'POST', body: JSON.stringify({ path: '/chat' }) }));
    expect(made[0]!.opened).toEqual({ id: ID, ack: 0 });
  });

  it('ends with the server error when the module does not exist (4xx)', async () => {
    vi.stubGlobal('fetch', answer(404, { code: 'PB_ERR_NOT_FOUND', message: 'No page matches this URL.' }));
    const { link, ends } = setup();
    link.start();
    await vi.waitFor(() => expect(ends).toHaveLength(1));
    expect(ends[0]).toEqual({ code: 1006, expiry: undefined, error: { code: 'PB_ERR_NOT_FOUND', message: 'No page matches this URL.' } });
    expect(made).toHaveLength(0);
  });

  it('retries later when the server is busy (503) or rate-limits (429)', async () => {
    const fetch = vi
      .fn()
      .mockImplementationOnce(answer(503, { code: 'PB_ERR_TOO_MANY_PAGES' }))
      .mockImplementationOnce(answer(429, {}))
      .mockImplementation(answer(200, { id: ID }));
    vi.stubGlobal('fetch', fetch);
    const { link, statuses, ends } = setup();
    link.start();
    await vi.waitFor(() => expect(statuses).toHaveLength(1));
    expect(statuses[0]![0]).toBe('reconnecting');
    // Backoff after two failures is under 250 + 500 ms; step until the instance is opened.
    for (let i = 0; i < 20 && made.length === 0; i++) await vi.advanceTimersByTimeAsync(100);
    expect(made).toHaveLength(1);
    expect(made[0]!.opened).toEqual({ id: ID, ack: 0 });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(statuses.map(([t]) => t)).toEqual(['reconnecting', 'reconnecting']);
    expect(ends).toEqual([]);
  });

  it('closes an instance that arrives after the link was stopped, by beacon', async () => {
    let release!: () => void;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((resolve) => {
      release = () => resolve(new Response(JSON.stringify({ id: ID }), { status: 200 }));
    })));
    const { link } = setup();
    link.start();
    link.stop(false);
    release();
    await vi.waitFor(() => expect(browser.navigator.sendBeacon).toHaveBeenCalledWith('/_pagebound/bye', ID));
    expect(made).toHaveLength(0);
  });
});
