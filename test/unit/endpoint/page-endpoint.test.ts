import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingConnection, connect, endpointOf, event, makePage, take } from '../../helpers/fake-connection.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('PageEndpoint', () => {
  it('numbers pushes from 1, sends them when connected, and keeps them until acked', () => {
    const page = makePage();
    page.on('x', () => {});
    page.emit('a', 1);
    page.emit('b', 2);
    const e = endpointOf(page);
    expect(e.buffered).toBe(2);
    const conn = connect(page);
    expect(conn.frames).toEqual([
      { t: 'welcome', v: 1, ack: 0, hb: 15_000 },
      { t: 'ev', n: 'a', d: 1, s: 1 },
      { t: 'ev', n: 'b', d: 2, s: 2 },
    ]);
    take(page, { t: 'ack', a: 2 });
    expect(e.buffered).toBe(0);
  });

  it('coalesces acks for accepted events into one ack frame', async () => {
    vi.useFakeTimers();
    const page = makePage({ handlers: { x: () => undefined } });
    const conn = connect(page);
    for (let s = 1; s <= 10; s++) event(page, s, 'x');
    await vi.advanceTimersByTimeAsync(10);
    expect(conn.of('ack')).toEqual([{ t: 'ack', a: 10 }]);
  });

  it('replaces an older connection with a newer one (4409) and sends only to the newer', () => {
    const page = makePage({ handlers: { x: () => undefined } });
    const first = connect(page);
    const second = connect(page);
    expect(first.closed?.code).toBe(4409);
    page.emit('hello');
    expect(first.of('ev')).toEqual([]);
    expect(second.of('ev')).toHaveLength(1);
    // Frames still arriving on the replaced connection are refused as stale.
    expect(endpointOf(page).take(first, { t: 'ev', s: 1, n: 'x' }, true)).toEqual({ ok: false, code: 'PB_ERR_CONN_STALE' });
  });

  it('drops a connection whose client does not read past maxBufferedBytes, and keeps the frames for a resume', () => {
    const page = makePage({ handlers: { x: () => undefined } }, { maxBufferedBytes: 1000 });
    const slow = connect(page);
    slow.bufferedBytes = 5000; // what ws reports while the peer reads nothing
    page.emit('big', 'y'.repeat(100));
    expect(slow.closed?.code).toBe(4000);
    expect(slow.dropped).toBe(true);
    expect(page.lifecycle).toBe('disconnected');
    const back = connect(page, new RecordingConnection(), 0);
    expect(back.of('ev')).toEqual([{ t: 'ev', n: 'big', d: 'y'.repeat(100), s: 1 }]);
  });

  it('refuses stream bytes past maxStreamBytes unread, unaccepted', () => {
    const page = makePage({ live: true }, { maxStreamBytes: 10 });
    connect(page);
    const chunk = Buffer.alloc(12).toString('base64');
    expect(take(page, { t: 'sd', s: 1, b: chunk }, false)).toEqual({ ok: true });
    expect(take(page, { t: 'sd', s: 2, b: chunk }, false)).toEqual({ ok: false, code: 'PB_ERR_STREAM_FULL' });
    expect(endpointOf(page).inLast).toBe(1);
    expect(endpointOf(page).pressure()).toBeDefined();
  });

  it('refuses events past maxMailboxBytes even under the event count', async () => {
    const page = makePage({ handlers: { block: () => new Promise(() => {}) } }, { maxMailboxBytes: 100 });
    const e = endpointOf(page);
    const conn = connect(page);
    expect(e.take(conn, { t: 'ev', s: 1, n: 'block' }, false, 10)).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(e.take(conn, { t: 'ev', s: 2, n: 'block' }, false, 150)).toEqual({ ok: true });
    expect(e.take(conn, { t: 'ev', s: 3, n: 'block' }, false, 10)).toEqual({ ok: false, code: 'PB_ERR_MAILBOX_FULL' });
  });

  it('tells the client and ends its connection when the page closes', async () => {
    const page = makePage({ live: true });
    const conn = connect(page);
    await page.close();
    expect(conn.of('expired')).toEqual([{ t: 'expired', reason: 'closed' }]);
    expect(conn.closed?.code).toBe(4410);
    expect(take(page, { t: 'ev', s: 1, n: 'x' })).toEqual({ ok: false, code: 'closed' });
  });
});

describe('event handlers: timeout and idempotency key', () => {
  it('answers a handler that runs past eventTimeoutMs with PB_ERR_EVENT_TIMEOUT, aborts its signal, and moves on', async () => {
    const seen: { aborted?: boolean; key?: string } = {};
    const page = makePage({ eventTimeoutMs: 50 });
    page.on('hang', (_d, _p, ev) => {
      seen.key = ev.key;
      return new Promise((resolve) => ev.signal.addEventListener('abort', () => { seen.aborted = true; resolve('late'); }));
    });
    page.on('next', () => 'ran');
    const conn = connect(page);
    event(page, 1, 'hang');
    event(page, 2, 'next');
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(2));
    expect(conn.of('re')[0]).toMatchObject({ re: 1, ok: false, e: { code: 'PB_ERR_EVENT_TIMEOUT' } });
    expect(conn.of('re')[1]).toMatchObject({ re: 2, ok: true, d: 'ran' });
    expect(seen.aborted).toBe(true);
    expect(seen.key).toMatch(/^[\w-]{10}:1$/);
    // The late result of the abandoned handler is dropped: one reply per event.
    await new Promise((r) => setTimeout(r, 20));
    expect(conn.of('re')).toHaveLength(2);
  });

  it('gives a handler the same key when its event is resent after a drop', async () => {
    const keys: string[] = [];
    const page = makePage({ handlers: { k: (_d: unknown, _p: unknown, ev: { key: string }) => keys.push(ev.key) } });
    event(page, 1, 'k');
    event(page, 1, 'k'); // a resend after a drop: a duplicate, not run again
    event(page, 2, 'k');
    await vi.waitFor(() => expect(keys).toHaveLength(2));
    expect(new Set(keys).size).toBe(2);
    expect(keys[0]!.endsWith(':1')).toBe(true);
  });

  it('rate-limits the warning for undeclared events per page', async () => {
    const lines: unknown[] = [];
    const log = { child: () => log, warn: (o: unknown) => lines.push(o), error: () => {}, debug: () => {}, info: () => {} } as never;
    const page = makePage({ log, handlers: { known: () => 1 } });
    const conn = connect(page);
    for (let s = 1; s <= 50; s++) event(page, s, 'nope');
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(50));
    expect(conn.of('re').every((f) => f.e.code === 'PB_ERR_EVENT_UNKNOWN')).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(conn.of('re')[0])).not.toContain('nope');
  });
});
