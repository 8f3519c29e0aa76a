/**
 * A durable page's commits through a real PageInstance and PageEndpoint: frames and acks leave
 * only after the commit that holds them, a refused (fenced) commit hands the page off, a state
 * that cannot be committed closes the page, and a restored endpoint resumes exactly where the
 * commit left it.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RecordingConnection, connect, endpointOf, event, makePage, take } from '../../helpers/fake-connection.js';
import { MemoryStore } from '../../../src/durable/memory-store.js';
import { Recorder } from '../../../src/durable/recorder.js';
import type { DurableStore, FrameChanges } from '../../../src/durable/store.js';
import { decodeSnapshot } from '../../../src/durable/snapshot.js';
import type { Page } from '../../../src/page/define-page.js';

const opts = { maxDurableStateBytes: 1024, durableTtlMs: 60_000 };
const log = pino({ level: 'silent' });

/** A store whose commits wait until the test lets them through. */
class GatedStore extends MemoryStore {
  #gates: Array<() => void> = [];
  get waiting(): number {
    return this.#gates.length;
  }
  override async commit(pageId: string, epoch: number, data: string, frames: FrameChanges, ttlMs: number): Promise<boolean> {
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    return super.commit(pageId, epoch, data, frames, ttlMs);
  }
  open(): void {
    for (const g of this.#gates.splice(0)) g();
  }
}

/** A store that counts the commits it is asked for. */
class CountingStore extends MemoryStore {
  commits = 0;
  override commit(pageId: string, epoch: number, data: string, frames: FrameChanges, ttlMs: number): Promise<boolean> {
    this.commits++;
    return super.commit(pageId, epoch, data, frames, ttlMs);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 20));

function durablePage(store: DurableStore, handlers: Record<string, (d: any, p: Page<any>) => unknown>) {
  const page = makePage({ handlers });
  page.state = { n: 0 };
  const endpoint = endpointOf(page);
  const recorder = new Recorder(page, endpoint, { epoch: 1, inDone: 0, session: 'digest' }, { store, opts, log });
  page.durable = recorder;
  return { page, endpoint, recorder };
}

describe('Recorder', () => {
  it('sends an event\'s answer, its pushes and its ack only once the commit holding them is stored', async () => {
    const store = new GatedStore();
    const { page } = durablePage(store, { inc: (_d, p) => { p.emit('n', ++p.state.n); return p.state.n; } });
    const conn = connect(page);
    event(page, 1, 'inc');
    await tick();
    expect(store.waiting).toBe(1);
    // Handled, but nothing has left: a node lost now loses nothing the client saw.
    expect(page.state.n).toBe(1);
    expect(conn.frames.filter((f) => f.t !== 'welcome')).toEqual([]);
    store.open();
    await tick();
    expect(conn.of('ev')).toEqual([{ t: 'ev', n: 'n', d: 1, s: 1 }]);
    expect(conn.of('re')).toEqual([{ t: 're', re: 1, ok: true, d: 1, s: 2 }]);
    expect(conn.of('ack')).toEqual([{ t: 'ack', a: 1 }]);
    const stored = (await store.read(page.id))!;
    const snapshot = decodeSnapshot(stored.data)!;
    expect(snapshot.state).toEqual({ n: 1 });
    expect(snapshot.at.in).toBe(1);
    expect(stored.frames.map((k) => k.s)).toEqual([1, 2]);
  });

  it('a reconnect before the commit is welcomed with the committed ack, so the client resends what is not yet safe', async () => {
    const store = new GatedStore();
    const { page } = durablePage(store, { inc: (_d, p) => ++p.state.n });
    connect(page);
    event(page, 1, 'inc');
    await tick();
    const again = connect(page, new RecordingConnection(), 0);
    expect(again.of('welcome')[0].ack).toBe(0);
    // Its resend is a duplicate to this node: taken once.
    event(page, 1, 'inc');
    store.open();
    await tick();
    expect(page.state.n).toBe(1);
    expect(again.of('re')).toEqual([{ t: 're', re: 1, ok: true, d: 1, s: 1 }]);
  });

  it('a commit refused for its epoch (claimed elsewhere) closes this copy and tells its client to reconnect, not that it expired', async () => {
    const store = new MemoryStore();
    const { page, recorder } = durablePage(store, { inc: (_d, p) => ++p.state.n });
    const conn = connect(page);
    recorder.taskDone(undefined);
    await recorder.flushed();
    expect(await store.claim(page.id, 1, 60_000)).toBe(2);
    event(page, 1, 'inc');
    await tick();
    expect(page.closed).toBe(true);
    expect(conn.of('re')).toEqual([]);
    expect(conn.of('expired')).toEqual([]);
    expect(conn.closed?.code).toBe(1012);
    // The claimer's record stays.
    expect((await store.read(page.id))?.epoch).toBe(2);
  });

  it('closes a page whose state stops being plain JSON, and removes its record', async () => {
    const store = new MemoryStore();
    const { page, recorder } = durablePage(store, { bad: (_d, p) => { p.state.when = new Date(); } });
    const errors: unknown[] = [];
    page.devOnError = (err) => errors.push(err);
    const conn = connect(page);
    recorder.taskDone(undefined);
    await recorder.flushed();
    event(page, 1, 'bad');
    await tick();
    expect(page.closed).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'PB_ERR_DURABLE_STATE' })]);
    expect(conn.of('expired')).toEqual([{ t: 'expired', reason: 'closed' }]);
    expect(await store.read(page.id)).toBeUndefined();
  });

  it('removes the record when the page closes for good, keeps it when the process closes (server-close)', async () => {
    const store = new MemoryStore();
    const a = durablePage(store, {});
    a.recorder.taskDone(undefined);
    await a.page.close('bye');
    expect(await store.read(a.page.id)).toBeUndefined();
    const b = durablePage(store, {});
    const conn = connect(b.page);
    b.recorder.taskDone(undefined);
    await b.page.close('server-close');
    expect(await store.read(b.page.id)).toBeDefined();
    expect(conn.closed?.code).toBe(1012);
  });

  it('a restored endpoint welcomes with the committed ack and replays the committed frames the client missed', async () => {
    const store = new MemoryStore();
    const { page } = durablePage(store, { inc: (_d, p) => { p.emit('n', ++p.state.n); return p.state.n; } });
    connect(page);
    event(page, 1, 'inc');
    event(page, 2, 'inc');
    await tick();
    const stored = (await store.read(page.id))!;
    const snap = decodeSnapshot(stored.data)!;

    const copy = makePage({ handlers: { inc: (_d, p) => { p.emit('n', ++p.state.n); return p.state.n; } } });
    copy.state = snap.state;
    const endpoint = endpointOf(copy);
    endpoint.restore(snap.at, stored.frames as never);
    // The test's copy has its own id (a claim keeps the id): the record moves with it.
    await store.commit(copy.id, 1, stored.data, { add: stored.frames, dropThrough: 0 }, 60_000);
    const epoch = (await store.claim(copy.id, 1, 60_000))!;
    copy.durable = new Recorder(copy, endpoint, { epoch, inDone: snap.at.in, session: 'digest' }, { store, opts, log });
    // The client had processed server frame 2 of 4.
    const conn = connect(copy, new RecordingConnection(), 2);
    expect(conn.of('welcome')[0].ack).toBe(2);
    expect(conn.frames.slice(1).map((f) => f.s)).toEqual([3, 4]);
    event(copy, 3, 'inc');
    await tick();
    expect(conn.of('re').at(-1)).toEqual({ t: 're', re: 3, ok: true, d: 3, s: 6 });
  });

  it('commits no task that changed neither the state nor the position; the client\'s acks are dropped from the store by the next commit', async () => {
    const store = new CountingStore();
    const { page, recorder } = durablePage(store, { inc: (_d, p) => ++p.state.n, read: (_d, p) => p.state.n });
    const conn = connect(page);
    recorder.taskDone(undefined);
    event(page, 1, 'inc');
    await tick();
    expect(store.commits).toBe(2);
    // A timer or subscription task that changed nothing: nothing new to hold, no write.
    recorder.taskDone(undefined);
    page.state = { n: 1 };
    recorder.taskDone(undefined);
    await tick();
    expect(store.commits).toBe(2);
    // The client acks its reply: no write either, the stored frame stays until the next commit.
    take(page, { t: 'ack', a: 1 });
    await tick();
    expect(store.commits).toBe(2);
    expect((await store.read(page.id))!.frames.map((f) => f.s)).toEqual([1]);
    // An event that only reads still moves the position (its reply), so it is committed, and drops the acked frame.
    event(page, 2, 'read');
    await tick();
    expect(store.commits).toBe(3);
    expect(conn.of('re').map((f) => f.d)).toEqual([1, 1]);
    expect((await store.read(page.id))!.frames.map((f) => f.s)).toEqual([2]);
    // A state changed by a task outside events (a timer) is committed.
    page.state.n = 5;
    recorder.taskDone(undefined);
    await recorder.flushed();
    expect(store.commits).toBe(4);
    expect(decodeSnapshot((await store.read(page.id))!.data)!.state).toEqual({ n: 5 });
  });
});
