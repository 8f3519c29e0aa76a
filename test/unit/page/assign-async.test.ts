import { describe, expect, it, vi } from 'vitest';
import { connect, event, makePage } from '../../helpers/fake-connection.js';
import { loading, type AsyncValue } from '../../../src/page/assign-async.js';
import type { Page } from '../../../src/page/define-page.js';

interface State { total: AsyncValue<number> }

/** A load the test ends by hand. */
function gate() {
  let release!: (v: number) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<number>((res, rej) => { release = res; fail = rej; });
  return { promise, release, fail, signal: undefined as AbortSignal | undefined };
}

describe('page.assignAsync', () => {
  it('marks the field loading now, sets the value when the work ends, and keeps a page that only loads live', async () => {
    const page = makePage();
    page.state = { total: loading<number>() } satisfies State;
    const g = gate();
    page.assignAsync('total', (signal) => { g.signal = signal; return g.promise; });
    expect(page.isLive).toBe(true);
    expect(page.state.total).toEqual({ loading: true });
    g.release(42);
    await vi.waitFor(() => expect(page.state.total).toEqual({ loading: false, ok: true, value: 42 }));
  });

  it('a new load of the field cancels the one under way, whose late value is dropped', async () => {
    const page = makePage();
    page.state = { total: loading<number>() };
    const first = gate();
    const second = gate();
    page.assignAsync('total', (signal) => { first.signal = signal; return first.promise; });
    page.assignAsync('total', () => second.promise);
    expect(first.signal?.aborted).toBe(true);
    first.release(1);
    second.release(2);
    await vi.waitFor(() => expect(page.state.total).toEqual({ loading: false, ok: true, value: 2 }));
  });

  it("a failure shows a fixed message (the error's own only with expose) and is reported; a cancel says so and is not", async () => {
    const page = makePage({ dev: false });
    const conn = connect(page);
    page.state = { total: loading<number>() };
    const g = gate();
    page.assignAsync('total', () => g.promise);
    g.fail(new Error('password=hunter2'));
    await vi.waitFor(() => expect(page.state.total).toEqual({ loading: false, ok: false, error: 'Could not load.' }));
    await vi.waitFor(() => expect(conn.of('ev').filter((f) => f.n === 'error')).toHaveLength(1));
    expect(JSON.stringify(conn.frames)).not.toContain('hunter2');

    const shown = gate();
    page.assignAsync('total', () => shown.promise);
    shown.fail(Object.assign(new Error('Try again in a minute.'), { expose: true }));
    await vi.waitFor(() => expect(page.state.total).toEqual({ loading: false, ok: false, error: 'Try again in a minute.' }));

    const cancelled = gate();
    const cancel = page.assignAsync('total', (signal) => { cancelled.signal = signal; return cancelled.promise; });
    cancel();
    expect(cancelled.signal?.aborted).toBe(true);
    await vi.waitFor(() => expect(page.state.total).toEqual({ loading: false, ok: false, error: 'Cancelled.' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(conn.of('ev').filter((f) => f.n === 'error')).toHaveLength(2);
  });

  it('stops when the page closes: nothing is set after', async () => {
    const page = makePage();
    page.state = { total: loading<number>() };
    const g = gate();
    page.assignAsync('total', (signal) => { g.signal = signal; return g.promise; });
    event(page, 1, 'x', null);
    await page.close();
    expect(g.signal?.aborted).toBe(true);
    g.release(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(page.state.total).toEqual({ loading: true });
  });

  it('is typed by the state: only an AsyncValue field, loaded with a value of its type (checked by tsc)', () => {
    const typed = (page: Page<{ total: AsyncValue<number>; n: number }>) => {
      page.assignAsync('total', async (signal) => (signal.aborted ? 0 : 1));
      // @ts-expect-error -- `n` is no AsyncValue
      page.assignAsync('n', async () => 1);
      // @ts-expect-error -- `total` holds a number
      page.assignAsync('total', async () => 'x');
    };
    expect(typed).toBeTypeOf('function');
  });
});
