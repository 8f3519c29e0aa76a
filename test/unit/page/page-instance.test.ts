import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryPubSub } from '../../../src/pubsub/memory.js';
import { RecordingConnection, connect, endpointOf, event, makePage } from '../../helpers/fake-connection.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('PageInstance mailbox', () => {
  it('runs one page\'s async handlers one at a time, in arrival order', async () => {
    const page = makePage();
    const log: string[] = [];
    page.on('work', async (raw) => {
      const data = raw as { n: number; ms: number };
      log.push(`start ${data.n}`);
      await new Promise((r) => setTimeout(r, data.ms));
      log.push(`end ${data.n}`);
    });
    const conn = connect(page);
    event(page, 1, 'work', { n: 1, ms: 30 });
    event(page, 2, 'work', { n: 2, ms: 1 });
    event(page, 3, 'work', { n: 3, ms: 10 });
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(3));
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(conn.of('re').map((f) => f.re)).toEqual([1, 2, 3]);
  });

  it('runs different pages concurrently', async () => {
    const a = makePage();
    const b = makePage();
    const order: string[] = [];
    a.on('slow', async () => { await new Promise((r) => setTimeout(r, 40)); order.push('a'); });
    b.on('fast', async () => { order.push('b'); });
    event(a, 1, 'slow', null);
    event(b, 1, 'fast', null);
    await vi.waitFor(() => expect(order).toEqual(['b', 'a']));
  });

  it('answers a throwing handler with an error reply and keeps going', async () => {
    const page = makePage();
    const conn = connect(page);
    page.on('bad', () => { throw Object.assign(new Error('nope'), { code: 'MY_CODE' }); });
    page.on('rejects', async () => { throw new Error('async nope'); });
    page.on('good', () => 42);
    event(page, 1, 'bad', null);
    event(page, 2, 'rejects', null);
    event(page, 3, 'good', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(3));
    const [bad, rejects, good] = conn.of('re');
    expect(bad).toMatchObject({ ok: false, re: 1, e: { code: 'MY_CODE', message: 'nope' } });
    expect(bad.e.stack).toContain('nope');
    expect(rejects).toMatchObject({ ok: false, re: 2, e: { message: 'async nope' } });
    expect(good).toMatchObject({ ok: true, re: 3, d: 42 });
    expect(page.closed).toBe(false);
  });

  it('hides handler error details in production unless the error is marked expose', async () => {
    const page = makePage({ dev: false });
    const conn = connect(page);
    page.on('secret', () => { throw new Error('db password is hunter2'); });
    page.on('shown', () => { throw Object.assign(new Error('Name is taken'), { code: 'NAME_TAKEN', expose: true }); });
    event(page, 1, 'secret', null);
    event(page, 2, 'shown', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(2));
    expect(conn.of('re')[0].e).toEqual({ code: 'PB_ERR_HANDLER', message: expect.not.stringContaining('hunter2') });
    expect(conn.of('re')[1].e).toEqual({ code: 'NAME_TAKEN', message: 'Name is taken' });
  });

  it('refuses an undeclared event name with PB_ERR_EVENT_UNKNOWN and runs nothing', async () => {
    const page = makePage({ handlers: { known: () => 'ok' } });
    const conn = connect(page);
    event(page, 1, 'constructor', null);
    event(page, 2, '__proto__', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(2));
    expect(conn.of('re').map((f) => f.e.code)).toEqual(['PB_ERR_EVENT_UNKNOWN', 'PB_ERR_EVENT_UNKNOWN']);
  });

  it('sends a duplicate event to the handler only once, and refuses a sequence gap', async () => {
    const page = makePage();
    let runs = 0;
    page.on('x', () => { runs++; });
    expect(event(page, 1, 'x', null)).toEqual({ ok: true });
    expect(event(page, 1, 'x', null)).toEqual({ ok: true });
    expect(event(page, 3, 'x', null)).toEqual({ ok: false, code: 'PB_ERR_PROTOCOL' });
    await flush();
    expect(runs).toBe(1);
  });

  it('refuses events past twice maxMailbox without accepting them, and says when it has drained', async () => {
    const page = makePage({}, { maxMailbox: 2 });
    let release!: () => void;
    page.on('block', () => new Promise<void>((r) => (release = r)));
    expect(event(page, 1, 'block', null)).toEqual({ ok: true }); // running, mailbox now empty
    await flush();
    for (let s = 2; s <= 5; s++) expect(event(page, s, 'block', null)).toEqual({ ok: true });
    expect(page.mailboxSize).toBe(4);
    expect(event(page, 6, 'block', null)).toEqual({ ok: false, code: 'PB_ERR_MAILBOX_FULL' });
    expect(endpointOf(page).inLast).toBe(5);
    expect(endpointOf(page).pressure()).toBeDefined();
    let drained = false;
    void page.mailboxBelow(2).then(() => (drained = true));
    release(); // task 2 runs, 3 wait
    await flush();
    release(); // task 3 runs, 2 wait
    await flush();
    expect(drained).toBe(false);
    release(); // task 4 runs, 1 waits
    await vi.waitFor(() => expect(drained).toBe(true));
  });
});

describe('PageInstance lifecycle', () => {
  it('closes a rendered page whose client never connects after connectTimeoutMs', async () => {
    vi.useFakeTimers();
    const onClose = vi.fn();
    const page = makePage({ onClose, connectTimeoutMs: 500 });
    page.admitted('session-a');
    vi.advanceTimersByTime(499);
    expect(page.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(page.closed).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('keeps a dropped page for retainMs, and a re-attach keeps it alive', async () => {
    vi.useFakeTimers();
    const page = makePage();
    const first = connect(page);
    endpointOf(page).detach(first);
    expect(page.lifecycle).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(900);
    connect(page);
    await vi.advanceTimersByTimeAsync(5000);
    expect(page.closed).toBe(false);
    expect(page.lifecycle).toBe('connected');
  });

  it('closes a dropped page when retainMs passes', async () => {
    vi.useFakeTimers();
    const page = makePage();
    const conn = connect(page);
    endpointOf(page).detach(conn);
    await vi.advanceTimersByTimeAsync(1001);
    expect(page.closed).toBe(true);
  });

  it('runs onClose once and disposes owned resources, timers and subscriptions exactly once, in reverse order', async () => {
    const pubsub = new MemoryPubSub();
    const order: string[] = [];
    const page = makePage({ pubsub, onClose: () => order.push('onClose(def)') });
    page.onClose(() => order.push('onClose(page)'));
    page.own(() => order.push('fn'));
    page.own({ close: () => order.push('close()') });
    page.own({ [Symbol.dispose]: () => { order.push('dispose'); } });
    page.own({ [Symbol.asyncDispose]: async () => { order.push('asyncDispose'); } });
    const ticks = vi.fn();
    page.setInterval(ticks, 5);
    page.subscribe('t', () => order.push('message'));
    expect(pubsub.size).toBe(1);
    await Promise.all([page.close(), page.close(), page.close()]);
    expect(order).toEqual(['onClose(def)', 'onClose(page)', 'asyncDispose', 'dispose', 'close()', 'fn']);
    expect(pubsub.size).toBe(0);
    const calls = ticks.mock.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(ticks.mock.calls.length).toBe(calls);
    pubsub.publish('t', 1);
    await flush();
    expect(order.filter((x) => x === 'message')).toHaveLength(0);
  });

  it('goes on disposing when one resource throws, and tells the client', async () => {
    const page = makePage();
    const conn = connect(page);
    const second = vi.fn();
    page.own(second);
    page.own(() => { throw new Error('stuck lock'); });
    await page.close();
    expect(second).toHaveBeenCalledTimes(1);
    expect(conn.of('expired')).toEqual([{ t: 'expired', reason: 'closed' }]);
    expect(conn.closed?.code).toBe(4410);
  });

  it('runs timer and subscription callbacks through the mailbox, never between a handler\'s awaits', async () => {
    const pubsub = new MemoryPubSub();
    const page = makePage({ pubsub });
    const log: string[] = [];
    page.on('long', async () => {
      log.push('handler start');
      await new Promise((r) => setTimeout(r, 30));
      log.push('handler end');
    });
    page.subscribe('news', (d) => log.push(`news ${d}`));
    event(page, 1, 'long', null);
    await flush();
    pubsub.publish('news', 1);
    page.setTimeout(() => log.push('timer'), 1);
    await vi.waitFor(() => expect(log).toHaveLength(4));
    expect(log).toEqual(['handler start', 'handler end', 'news 1', 'timer']);
  });

  it('is live only when rendering left handlers, timers, subscriptions or resources', () => {
    expect(makePage().isLive).toBe(false);
    const a = makePage(); a.on('x', () => {}); expect(a.isLive).toBe(true);
    const b = makePage(); b.setTimeout(() => {}, 1000); expect(b.isLive).toBe(true); void b.close();
    const c = makePage({ handlers: { y: () => {} } }); expect(c.isLive).toBe(true);
  });
});
