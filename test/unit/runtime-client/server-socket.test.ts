/**
 * `ServerSocket`, the author-facing handle, in Node over fake transports: readyState, named events and
 * `message`, `call()` results and errors, event-name checks, the `expired` event (cancelable reload) and
 * `close`, and what happens to pending calls and writes when the instance ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../../src/protocol/frames.js';
import { PAGE_ID, ServerSocket } from '../../../runtime-client/server-socket.js';
import { installBrowser, type FakeBrowser } from '../../helpers/browser-globals.js';
import { made } from '../../helpers/fake-transports.js';

vi.mock('../../../runtime-client/transports/websocket.js', () => import('../../helpers/fake-transports.js'));
vi.mock('../../../runtime-client/transports/http.js', () => import('../../helpers/fake-transports.js'));

const ID = 'V1StGXR8_Z5jdHi6B-myT';
const welcome: ServerFrame = { t: 'welcome', v: 1, ack: 0, hb: 15_000 };
let browser: FakeBrowser;
let location: { pathname: string; reload: ReturnType<typeof vi.fn> };

beforeEach(() => {
  made.length = 0;
  vi.useFakeTimers();
  browser = installBrowser();
  location = { pathname: '/board', reload: vi.fn() };
  vi.stubGlobal('location', location);
  // Node 20 has no CloseEvent; the socket only needs its code, reason and wasClean.
  if (typeof CloseEvent === 'undefined') {
    vi.stubGlobal(
      'CloseEvent',
      class extends Event {
        readonly code: number;
        readonly reason: string;
        readonly wasClean: boolean;
        constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
          super(type);
          this.code = init.code ?? 0;
          this.reason = init.reason ?? '';
          this.wasClean = init.wasClean ?? false;
        }
      },
    );
  }
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function openSocket() {
  const socket = new ServerSocket('/board', { [PAGE_ID]: ID });
  const serve = (...frames: ServerFrame[]) => made.at(-1)!.on.frames(frames);
  const sent = () => made.at(-1)!.sent;
  return { socket, serve, sent };
}

describe('ServerSocket', () => {
  it('is CONNECTING until welcomed, then OPEN, and fires open', () => {
    const { socket, serve } = openSocket();
    const onopen = vi.fn();
    socket.onopen = onopen;
    expect(socket.readyState).toBe(ServerSocket.CONNECTING);
    serve(welcome);
    expect(socket.readyState).toBe(ServerSocket.OPEN);
    expect(onopen).toHaveBeenCalledOnce();
  });

  it('is CONNECTING again while it reconnects, and OPEN once resumed, without a second open', () => {
    const { socket, serve } = openSocket();
    const onopen = vi.fn();
    const seen: string[] = [];
    socket.onopen = onopen;
    for (const type of ['disconnect', 'reconnecting', 'resume']) socket.addEventListener(type, () => seen.push(type));
    serve(welcome);
    made.at(-1)!.on.close(1006, '');
    expect(socket.readyState).toBe(ServerSocket.CONNECTING);
    vi.advanceTimersByTime(10_000);
    serve(welcome);
    expect(socket.readyState).toBe(ServerSocket.OPEN);
    expect(seen).toEqual(['disconnect', 'reconnecting', 'resume']);
    expect(onopen).toHaveBeenCalledOnce();
  });

  it('fires a server event by its name, with its data, and as text when stringified', () => {
    const { socket, serve } = openSocket();
    const got: unknown[] = [];
    socket.addEventListener('score', (e) => got.push((e as MessageEvent).data, String(e)));
    serve(welcome, { t: 'ev', s: 1, n: 'score', d: { home: 2 } }, { t: 'ev', s: 2, n: 'score', d: 'tie' });
    expect(got).toEqual([{ home: 2 }, '{"home":2}', 'tie', 'tie']);
  });

  it('calls onmessage for `message` events', () => {
    const { socket, serve } = openSocket();
    const onmessage = vi.fn();
    socket.onmessage = onmessage;
    serve(welcome, { t: 'ev', s: 1, n: 'message', d: 'hi' });
    expect(onmessage.mock.calls[0]![0].data).toBe('hi');
  });

  it('send() numbers events and refuses a bad name without sending anything', () => {
    const { socket, serve, sent } = openSocket();
    serve(welcome);
    socket.send('move', { x: 1 });
    expect(sent()).toEqual([{ t: 'ev', n: 'move', d: { x: 1 }, s: 1 }]);
    for (const bad of ['', 'has space', 'x'.repeat(65), '<script>', 42 as unknown as string]) {
      expect(() => socket.send(bad)).toThrowError(expect.objectContaining({ code: 'PB_ERR_EVENT_NAME' }));
    }
    expect(sent()).toHaveLength(1);
    socket.send('next');
    expect(sent().at(-1)).toMatchObject({ n: 'next', s: 2 }); // no gap from the refused ones
  });

  it('call() resolves with the reply to its own event', async () => {
    const { socket, serve, sent } = openSocket();
    serve(welcome);
    const a = socket.call('add', [1, 2]);
    const b = socket.call('add', [3, 4]);
    expect(sent().map((f) => f.s)).toEqual([1, 2]);
    serve({ t: 're', s: 1, re: 2, ok: true, d: 7 }, { t: 're', s: 2, re: 1, ok: true, d: 3 });
    await expect(a).resolves.toBe(3);
    await expect(b).resolves.toBe(7);
  });

  it('call() rejects with the handler error code and message', async () => {
    const { socket, serve } = openSocket();
    serve(welcome);
    const p = socket.call('save');
    serve({ t: 're', s: 1, re: 1, ok: false, e: { code: 'PB_ERR_EVENT_TIMEOUT', message: 'too slow' } });
    await expect(p).rejects.toMatchObject({ code: 'PB_ERR_EVENT_TIMEOUT', message: 'too slow' });
  });

  it('on expiry fires expired then close, rejects pending calls, and reloads once', async () => {
    const { socket, serve } = openSocket();
    serve(welcome);
    const order: string[] = [];
    socket.addEventListener('expired', (e) => order.push(`expired:${(e as Event & { reason: string }).reason}`));
    socket.onclose = (e) => order.push(`close:${(e as CloseEvent).code}`);
    const pending = socket.call('slow');
    serve({ t: 'expired', reason: 'closed' });
    await expect(pending).rejects.toMatchObject({ code: 'PB_ERR_PAGE_EXPIRED' });
    expect(order).toEqual(['expired:closed', 'close:4410']);
    expect(socket.readyState).toBe(ServerSocket.CLOSED);
    expect(location.reload).toHaveBeenCalledOnce();
  });

  it('does not reload when an expired listener calls preventDefault', () => {
    const { socket, serve } = openSocket();
    serve(welcome);
    socket.addEventListener('expired', (e) => e.preventDefault());
    serve({ t: 'expired', reason: 'unknown' });
    expect(location.reload).not.toHaveBeenCalled();
  });

  it('close() says bye, ends with a clean 1000, and refuses later sends and writes', async () => {
    const { socket, serve, sent } = openSocket();
    serve(welcome);
    const closes: CloseEvent[] = [];
    socket.addEventListener('close', (e) => closes.push(e as CloseEvent));
    socket.close();
    expect(sent().at(-1)).toEqual({ t: 'bye' });
    expect(closes.map((e) => [e.code, e.wasClean])).toEqual([[1000, true]]);
    expect(socket.readyState).toBe(ServerSocket.CLOSED);
    expect(() => socket.send('late')).toThrowError(expect.objectContaining({ code: 'PB_ERR_CLOSED' }));
    await expect(socket.write('late')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    expect((await socket.read()).length).toBe(0);
    expect(browser.navigator.sendBeacon).not.toHaveBeenCalled();
  });

  it('a listener that throws does not stop the others or the socket', () => {
    const { socket, serve } = openSocket();
    const after = vi.fn();
    socket.onmessage = () => {
      throw new Error('author bug');
    };
    socket.addEventListener('message', after);
    serve(welcome, { t: 'ev', s: 1, n: 'message', d: 1 }, { t: 'ev', s: 2, n: 'message', d: 2 });
    expect(after).toHaveBeenCalledTimes(2);
    expect(socket.readyState).toBe(ServerSocket.OPEN);
    // The handler's error is rethrown in its own task, as a browser reports a listener's error.
    expect(() => vi.runOnlyPendingTimers()).toThrow('author bug');
  });
});
