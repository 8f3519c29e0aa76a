/**
 * A page's mailbox: runs its tasks one at a time in arrival order, an async task finishing before
 * the next starts. This is what makes a page an actor — its handlers never interleave, so they can
 * touch page state without locks.
 */
export type Task = () => unknown;

interface Queued { task: Task; weight: number }

export class Mailbox {
  #queue: Queued[] = [];
  #weight = 0;
  #running = false;
  /** The task running now, settled or not; undefined when idle. */
  #current: unknown;
  #closed = false;
  #waiters: Array<{ below: number; resolve: () => void }> = [];
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** The summed weight (bytes of client events) of the waiting tasks. */
  get weight(): number {
    return this.#weight;
  }

  /** Queues a task; returns false when the mailbox is closed. */
  post(task: Task, weight = 0): boolean {
    if (this.#closed) return false;
    this.#queue.push({ task, weight });
    this.#weight += weight;
    if (!this.#running) void this.#drain();
    return true;
  }

  /** Resolves once fewer than `n` tasks wait (or the mailbox closes). */
  whenBelow(n: number): Promise<void> {
    if (this.#closed || this.#queue.length < n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ below: n, resolve }));
  }

  /** Resolves once the task running now (if any) has finished; queued ones are not waited for. */
  settled(): Promise<void> {
    return Promise.resolve(this.#current).then(() => {}, () => {});
  }

  /** Refuses new tasks; tasks already queued are dropped. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#weight = 0;
    this.#wake();
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const size = this.#queue.length;
    this.#waiters = this.#waiters.filter((w) => {
      if (!this.#closed && size >= w.below) return true;
      w.resolve();
      return false;
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const { task, weight } = this.#queue.shift()!;
      this.#weight -= weight;
      this.#wake();
      try {
        this.#current = task();
        await this.#current;
      } catch (err) {
        // A task reports its own failure; this only catches what escaped it, so the queue goes on.
        this.#onError(err);
      }
    }
    this.#current = undefined;
    this.#running = false;
  }
}
