/**
 * Every live page instance in this process, by page id and by browser session. It enforces the
 * instance limits so that a client hammering a live page cannot grow memory without bound.
 */
import { PB_ERR_TOO_MANY_PAGES } from '../errors.js';
import type { PageInstance } from './page-instance.js';

export class Registry {
  readonly #pages = new Map<string, PageInstance<any>>();
  readonly #bySession = new Map<string, Set<PageInstance<any>>>();
  readonly #maxInstances: number;
  readonly #maxPerSession: number;

  constructor(limits: { maxInstances: number; maxInstancesPerSession: number }) {
    this.#maxInstances = limits.maxInstances;
    this.#maxPerSession = limits.maxInstancesPerSession;
  }

  get size(): number {
    return this.#pages.size;
  }

  /** Every live instance, as a snapshot. */
  all(): PageInstance<any>[] {
    return [...this.#pages.values()];
  }

  get(id: string): PageInstance<any> | undefined {
    return this.#pages.get(id);
  }

  /**
   * Adds an instance. Past the per-session limit the session's oldest never-connected (else oldest)
   * instance closes. Past the process limit the oldest never-connected instance anywhere closes —
   * a flood of cookie-less renders (each its own session) evicts its own kind, not pages whose
   * tabs are connected — and only when every instance is connected is the new one refused.
   */
  add(instance: PageInstance<any>): void {
    let set = this.#bySession.get(instance.sessionId);
    if (set && set.size >= this.#maxPerSession) {
      const all = [...set];
      const victim = all.find((p) => p.lifecycle === 'rendered') ?? all[0]!;
      this.remove(victim);
      void victim.close('session-limit');
    }
    if (this.#pages.size >= this.#maxInstances) {
      let victim: PageInstance<any> | undefined;
      // Map order is insertion order, so the first never-connected one is the oldest.
      for (const p of this.#pages.values()) {
        if (p.lifecycle === 'rendered') { victim = p; break; }
      }
      if (!victim) throw new PB_ERR_TOO_MANY_PAGES();
      this.remove(victim);
      void victim.close('instance-limit');
    }
    this.#pages.set(instance.id, instance);
    if (!set) this.#bySession.set(instance.sessionId, (set = new Set()));
    set.add(instance);
  }

  /**
   * Takes in a page that just turned live and starts its wait for a first connection. A page
   * refused at the limit is closed before the error goes on, so nothing it set up outlives it.
   */
  async admit(instance: PageInstance<any>): Promise<void> {
    try {
      this.add(instance);
    } catch (err) {
      await instance.close('refused');
      throw err;
    }
    instance.rendered();
  }

  remove(instance: PageInstance<any>): void {
    if (this.#pages.get(instance.id) !== instance) return;
    this.#pages.delete(instance.id);
    const set = this.#bySession.get(instance.sessionId);
    set?.delete(instance);
    if (set?.size === 0) this.#bySession.delete(instance.sessionId);
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.#pages.values()].map((p) => p.close(reason)));
  }
}
