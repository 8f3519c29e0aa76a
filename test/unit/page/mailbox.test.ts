/**
 * The page actor's mailbox: handlers run one at a time in arrival order, a failing one does not stall
 * the page, backpressure waiters wake at the right size, and closing drops what waits.
 */
import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../../src/page/mailbox.js';

/** A promise with its resolve exposed, to hold an async task open. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every queued microtask and promise continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const errors: unknown[] = [];
  const box = new Mailbox((err) => errors.push(err));
  return { box, errors };
}

describe('Mailbox order', () => {
  it('runs tasks in the order they were posted', async () => {
    const { box } = setup();
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) box.post(() => ran.push(i));
    await settle();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs the first task at once, in the same tick as post', () => {
    const { box } = setup();
    const ran: string[] = [];
    box.post(() => ran.push('a'));
    expect(ran).toEqual(['a']);
  });

  it('does not start the next task until an async task has finished', async () => {
    const { box } = setup();
    const log: string[] = [];
    const first = gate();
    box.post(async () => {
      log.push('a:start');
      await first.promise;
      log.push('a:end');
    });
    box.post(() => log.push('b'));
    await settle();
    expect(log).toEqual(['a:start']);
    expect(box.size).toBe(1);
    first.open();
    await settle();
    expect(log).toEqual(['a:start', 'a:end', 'b']);
    expect(box.size).toBe(0);
  });

  it('never interleaves two async tasks that touch the same state', async () => {
    const { box } = setup();
    let counter = 0;
    const seen: number[] = [];
    const increment = async () => {
      const read = counter;
      await settle();
      counter = read + 1;
      seen.push(counter);
    };
    for (let i = 0; i < 4; i++) box.post(increment);
    for (let i = 0; i < 6; i++) await settle();
    expect(counter).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('takes a task posted by a running task after the ones already waiting', async () => {
    const { box } = setup();
    const ran: string[] = [];
    const g = gate();
    box.post(async () => {
      await g.promise;
      ran.push('a');
      box.post(() => ran.push('c'));
    });
    box.post(() => ran.push('b'));
    g.open();
    await settle();
    expect(ran).toEqual(['a', 'b', 'c']);
  });
});

describe('Mailbox failures', () => {
  it('reports a throwing task and goes on with the next', async () => {
    const { box, errors } = setup();
    const ran: string[] = [];
    const boom = new Error('boom');
    box.post(() => {
      throw boom;
    });
    box.post(() => ran.push('after sync throw'));
    box.post(async () => {
      await settle();
      throw new Error('async boom');
    });
    box.post(() => ran.push('after async rejection'));
    await settle();
    await settle();
    expect(ran).toEqual(['after sync throw', 'after async rejection']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(boom);
    expect((errors[1] as Error).message).toBe('async boom');
  });

  it('keeps working after the queue ran dry following a failure', async () => {
    const { box } = setup();
    box.post(() => {
      throw new Error('x');
    });
    await settle();
    const ran: string[] = [];
    box.post(() => ran.push('later'));
    await settle();
    expect(ran).toEqual(['later']);
  });
});

describe('Mailbox.whenBelow', () => {
  it('resolves at once when fewer than n tasks wait', async () => {
    const { box } = setup();
    let done = false;
    await box.whenBelow(1).then(() => (done = true));
    expect(done).toBe(true);
  });

  it('resolves only once the waiting count drops below n', async () => {
    const { box } = setup();
    const gates = [gate(), gate(), gate(), gate()];
    // The first task runs at once; the other three wait behind it.
    for (const g of gates) box.post(() => g.promise);
    expect(box.size).toBe(3);

    let below3 = false;
    let below2 = false;
    void box.whenBelow(3).then(() => (below3 = true));
    void box.whenBelow(2).then(() => (below2 = true));
    await settle();
    expect([below3, below2]).toEqual([false, false]);

    gates[0]!.open(); // second task starts: 2 wait
    await settle();
    expect(box.size).toBe(2);
    expect([below3, below2]).toEqual([true, false]);

    gates[1]!.open(); // third starts: 1 waits
    await settle();
    expect(box.size).toBe(1);
    expect(below2).toBe(true);
    for (const g of gates) g.open();
  });

  it('does not resolve while exactly n tasks wait', async () => {
    const { box } = setup();
    const g = gate();
    box.post(() => g.promise);
    box.post(() => undefined);
    box.post(() => undefined);
    expect(box.size).toBe(2);
    let resolved = false;
    void box.whenBelow(2).then(() => (resolved = true));
    await settle();
    expect(resolved).toBe(false);
    g.open();
    await settle();
    expect(resolved).toBe(true);
  });

  it('wakes every waiter when the mailbox closes, however full it is', async () => {
    const { box } = setup();
    const g = gate();
    box.post(() => g.promise);
    for (let i = 0; i < 5; i++) box.post(() => undefined);
    let woke = 0;
    void box.whenBelow(1).then(() => woke++);
    void box.whenBelow(2).then(() => woke++);
    // Below 0 is never reached by draining: only closing can end this wait.
    void box.whenBelow(0).then(() => woke++);
    await settle();
    expect(woke).toBe(0);
    box.close();
    await settle();
    expect(woke).toBe(3);
    g.open();
  });

  it('resolves at once on a closed mailbox', async () => {
    const { box } = setup();
    box.close();
    let done = false;
    await box.whenBelow(0).then(() => (done = true));
    expect(done).toBe(true);
  });
});

describe('Mailbox.close', () => {
  it('drops the queued tasks and refuses new ones', async () => {
    const { box } = setup();
    const ran: string[] = [];
    const g = gate();
    box.post(async () => {
      ran.push('running');
      await g.promise;
    });
    box.post(() => ran.push('queued'), 10);
    box.close();
    expect(box.size).toBe(0);
    expect(box.weight).toBe(0);
    expect(box.post(() => ran.push('late'))).toBe(false);
    g.open();
    await settle();
    expect(ran).toEqual(['running']);
  });

  it('accepts tasks until closed', () => {
    const { box } = setup();
    expect(box.post(() => undefined)).toBe(true);
  });
});

describe('Mailbox weight', () => {
  it('sums the weight of waiting tasks and subtracts each as it starts', async () => {
    const { box } = setup();
    const g1 = gate();
    const g2 = gate();
    box.post(() => g1.promise, 100); // starts at once: no longer waiting
    expect(box.weight).toBe(0);
    box.post(() => g2.promise, 30);
    box.post(() => undefined, 12);
    box.post(() => undefined); // weight defaults to 0
    expect(box.weight).toBe(42);
    g1.open();
    await settle();
    expect(box.weight).toBe(12);
    g2.open();
    await settle();
    expect(box.weight).toBe(0);
    expect(box.size).toBe(0);
  });

  it('a refused post adds no weight', () => {
    const { box } = setup();
    box.close();
    box.post(() => undefined, 50);
    expect(box.weight).toBe(0);
  });
});
