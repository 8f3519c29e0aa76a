/**
 * The embedded store: durable pages in this process's memory, for `npm run dev` and a single node
 * with no Redis. It keeps the same rules as Redis, so a page behaves the same, but it survives
 * nothing across processes: a restart loses every page as for a page that is not durable.
 */
import type { DurableStore, FrameChanges, StoredPage } from './store.js';

interface Entry {
  epoch: number;
  data: string;
  frames: Map<number, string>;
  expiresAt: number;
}

/** How often expired entries are swept, at most (ms): reads skip them anyway. */
const SWEEP_MS = 60_000;

export class MemoryStore implements DurableStore {
  readonly #pages = new Map<string, Entry>();
  #sweptAt = Date.now();

  async commit(pageId: string, epoch: number, data: string, changes: FrameChanges, ttlMs: number): Promise<boolean> {
    this.#sweep();
    const cur = this.#live(pageId);
    if (cur ? cur.epoch !== epoch : epoch !== 1) return false;
    const frames = cur?.frames ?? new Map<number, string>();
    for (const f of changes.add) frames.set(f.s, f.payload);
    for (const s of frames.keys()) if (s <= changes.dropThrough) frames.delete(s);
    this.#pages.set(pageId, { epoch, data, frames, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async read(pageId: string): Promise<StoredPage | undefined> {
    const cur = this.#live(pageId);
    if (!cur) return undefined;
    const frames = [...cur.frames].sort((a, b) => a[0] - b[0]).map(([s, payload]) => ({ s, payload }));
    return { epoch: cur.epoch, data: cur.data, frames };
  }

  async claim(pageId: string, epoch: number, ttlMs: number): Promise<number | undefined> {
    const cur = this.#live(pageId);
    if (!cur || cur.epoch !== epoch) return undefined;
    cur.epoch = epoch + 1;
    cur.expiresAt = Date.now() + ttlMs;
    return cur.epoch;
  }

  async remove(pageId: string, epoch: number): Promise<void> {
    if (this.#live(pageId)?.epoch === epoch) this.#pages.delete(pageId);
  }

  async refresh(pageIds: readonly string[], ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    for (const id of pageIds) {
      const cur = this.#live(id);
      if (cur) cur.expiresAt = expiresAt;
    }
  }

  async close(): Promise<void> {
    this.#pages.clear();
  }

  #live(pageId: string): Entry | undefined {
    const cur = this.#pages.get(pageId);
    if (cur && cur.expiresAt <= Date.now()) {
      this.#pages.delete(pageId);
      return undefined;
    }
    return cur;
  }

  #sweep(): void {
    const now = Date.now();
    if (now - this.#sweptAt < SWEEP_MS) return;
    this.#sweptAt = now;
    for (const [id, entry] of this.#pages) if (entry.expiresAt <= now) this.#pages.delete(id);
  }
}
