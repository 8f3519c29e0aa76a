/**
 * Where durable pages are committed (docs/protocol.md §7.4): one record per page, its snapshot and
 * its epoch. The epoch fences writers: a page's first commit is at epoch 1; a node that claims the
 * page moves it one up, and from then on a commit at the old epoch — the old holder, late or cut
 * off — is refused. Implementations: Redis (redis-store.ts, many nodes) and memory (memory-store.ts,
 * one process); test/unit/durable/store.case.ts holds both to the same rules.
 */

/** A stored page: its epoch and its snapshot (src/durable/snapshot.ts), as committed. */
export interface StoredPage {
  epoch: number;
  data: string;
}

export interface DurableStore {
  /**
   * Writes `data` at `epoch`, atomically, and keeps it `ttlMs` from now. Allowed when the stored
   * epoch is `epoch`, or nothing is stored and `epoch` is 1; false (nothing written) otherwise.
   */
  commit(pageId: string, epoch: number, data: string, ttlMs: number): Promise<boolean>;
  /** The stored page, or undefined. */
  read(pageId: string): Promise<StoredPage | undefined>;
  /** Moves the page from `epoch` to `epoch + 1` and returns the new epoch; undefined when it is no longer at `epoch` (claimed by another) or gone. */
  claim(pageId: string, epoch: number, ttlMs: number): Promise<number | undefined>;
  /** Deletes the page if it is still at `epoch` (its holder closed it for good). */
  remove(pageId: string, epoch: number): Promise<void>;
  close(): Promise<void>;
}
