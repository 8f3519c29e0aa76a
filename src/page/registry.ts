/**
 * Every live page instance in this process, by page id, by browser session and by client address.
 * It enforces the instance limits so that a client hammering a live page can neither grow memory
 * without bound nor pin the process full and lock everyone else out.
 *
 * Admission rule: a page whose client is not holding anything open — never connected, disconnected,
 * or on an HTTP connection with no poll waiting — is *idle*, and idle pages give way, oldest first,
 * to a new one. Only when every page is held by a live client is a newcomer refused.
 */
import { PB_ERR_TOO_MANY_PAGES } from '../errors.js';
import type { PageInstance } from './page-instance.js';

export interface RegistryLimits {
  maxInstances: number;
  maxInstancesPerSession: number;
  maxIdlePagesPerAddress: number;
}

/** Whether nothing of the page's client is held open right now, so evicting it costs a live tab nothing. */
export function isIdle(page: PageInstance<any>): boolean {
  return page.lifecycle !== 'connected' || !page.held;
}

/**
 * The bucket a client address counts in. IPv4 (and IPv4-mapped IPv6): the address. IPv6: its /64,
 * the block one subscriber is usually given, so an attacker cannot take a fresh address per render.
 */
export function addressBucket(ip: string): string {
  if (ip.includes('.')) return ip.slice(ip.lastIndexOf(':') + 1);
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function oldestIdle(pages: Iterable<PageInstance<any>>): PageInstance<any> | undefined {
  // Maps and Sets iterate in insertion order, so the first idle one is the oldest.
  for (const p of pages) if (isIdle(p)) return p;
  return undefined;
}

export class Registry {
  readonly #pages = new Map<string, PageInstance<any>>();
  readonly #bySession = new Map<string, Set<PageInstance<any>>>();
  readonly #byAddress = new Map<string, Set<PageInstance<any>>>();
  readonly #addressOf = new Map<PageInstance<any>, string>();
  readonly #limits: RegistryLimits;

  constructor(limits: RegistryLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#pages.size;
  }

  /** Every live instance (for metrics). */
  values(): IterableIterator<PageInstance<any>> {
    return this.#pages.values();
  }

  /** Every live instance, as a snapshot. */
  all(): PageInstance<any>[] {
    return [...this.#pages.values()];
  }

  get(id: string): PageInstance<any> | undefined {
    return this.#pages.get(id);
  }

  /**
   * Adds an instance rendered for a client at `ip` (the request's address; behind a proxy, only
   * right with `trustProxy`; IPv6 counts by /64). In order: past the per-session limit the session's oldest
   * never-connected (else oldest) page closes; past `maxIdlePagesPerAddress` that address's oldest
   * idle page closes, so one address flooding renders only ever evicts its own; past `maxInstances`
   * the oldest idle page anywhere closes; only when every page is held is the new one refused.
   */
  add(instance: PageInstance<any>, ip = ''): void {
    const address = addressBucket(ip);
    const session = this.#bySession.get(instance.sessionId);
    if (session && session.size >= this.#limits.maxInstancesPerSession) {
      const all = [...session];
      this.#evict(all.find((p) => p.lifecycle === 'rendered') ?? all[0]!, 'session-limit');
    }
    const fromAddress = this.#byAddress.get(address);
    if (fromAddress && fromAddress.size >= this.#limits.maxIdlePagesPerAddress) {
      let idle = 0;
      for (const p of fromAddress) if (isIdle(p)) idle++;
      if (idle >= this.#limits.maxIdlePagesPerAddress) this.#evict(oldestIdle(fromAddress)!, 'address-limit');
    }
    if (this.#pages.size >= this.#limits.maxInstances) {
      const victim = oldestIdle(this.#pages.values());
      if (!victim) throw new PB_ERR_TOO_MANY_PAGES();
      this.#evict(victim, 'instance-limit');
    }
    this.#pages.set(instance.id, instance);
    this.#index(this.#bySession, instance.sessionId, instance);
    this.#index(this.#byAddress, address, instance);
    this.#addressOf.set(instance, address);
  }

  /**
   * Takes in a page that just turned live, bound to `sessionId`, and starts its wait for a first
   * connection. A page
   * refused at the limit is closed before the error goes on, so nothing it set up outlives it.
   */
  async admit(instance: PageInstance<any>, sessionId: string, address?: string): Promise<void> {
    instance.admitted(sessionId);
    try {
      this.add(instance, address);
    } catch (err) {
      await instance.close('refused');
      throw err;
    }
  }

  remove(instance: PageInstance<any>): void {
    if (this.#pages.get(instance.id) !== instance) return;
    this.#pages.delete(instance.id);
    this.#unindex(this.#bySession, instance.sessionId, instance);
    this.#unindex(this.#byAddress, this.#addressOf.get(instance) ?? '', instance);
    this.#addressOf.delete(instance);
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.#pages.values()].map((p) => p.close(reason)));
  }

  /** Forgets the page now and closes it, which disposes what it owns (files, handles) in the background. */
  #evict(victim: PageInstance<any>, reason: string): void {
    this.remove(victim);
    void victim.close(reason);
  }

  #index(map: Map<string, Set<PageInstance<any>>>, key: string, instance: PageInstance<any>): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(instance);
  }

  #unindex(map: Map<string, Set<PageInstance<any>>>, key: string, instance: PageInstance<any>): void {
    const set = map.get(key);
    set?.delete(instance);
    if (set?.size === 0) map.delete(key);
  }
}
