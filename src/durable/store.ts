/**
 * Where durable pages are committed (docs/protocol.md §7.4): one record per page — its epoch, its
 * snapshot and its kept frames — under one key's worth of atomicity. The epoch fences writers: a
 * page's first commit is at epoch 1; a node that claims the page moves it one up, and from then on a
 * commit at the old epoch — the old holder, late or cut off — is refused. A record expires `ttlMs`
 * after its last commit or refresh; a live holder refreshes its idle pages (durable-pages.ts).
 * Frames are stored incrementally (each commit adds the new ones and drops the acked ones), so a
 * commit costs what the task pushed, not the whole replay buffer. Implementations: Redis (redis-store.ts, many nodes)
 * and memory (memory-store.ts, one process); test/unit/durable/store.case.ts holds both to the same rules.
 */

/** A sequenced frame as stored: its number and its encoded frame. */
export interface StoredFrame {
  s: number;
  payload: string;
}

/** What a commit changes among the stored frames. */
export interface FrameChanges {
  /** Frames to add (new since the last stored commit), in order. */
  add: readonly StoredFrame[];
  /** Frames numbered up to this one are dropped (acked, or past the replay window). */
  dropThrough: number;
}

/** A stored page: its epoch, its snapshot as committed, and its frames in order. */
export interface StoredPage {
  epoch: number;
  data: string;
  frames: StoredFrame[];
}

export interface DurableStore {
  /**
   * Writes `data` and the frame changes at `epoch`, atomically, and keeps the page `ttlMs` from
   * now. Allowed when the stored epoch is `epoch`, or nothing is stored and `epoch` is 1; false
   * (nothing written) otherwise.
   */
  commit(pageId: string, epoch: number, data: string, frames: FrameChanges, ttlMs: number): Promise<boolean>;
  /** The stored page, or undefined. */
  read(pageId: string): Promise<StoredPage | undefined>;
  /** Moves the page from `epoch` to `epoch + 1` and returns the new epoch; undefined when it is no longer at `epoch` (claimed by another) or gone. */
  claim(pageId: string, epoch: number, ttlMs: number): Promise<number | undefined>;
  /** Deletes the page if it is still at `epoch` (its holder closed it for good). */
  remove(pageId: string, epoch: number): Promise<void>;
  /**
   * Keeps each of these pages `ttlMs` from now, in one round trip: their holder is alive, idle
   * pages included. Pages not stored are left absent. Not fenced: a late holder only keeps a
   * record alive that its new holder keeps alive too.
   */
  refresh(pageIds: readonly string[], ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/** No frame changes (a commit of state alone). */
export const NO_FRAMES: FrameChanges = { add: [], dropThrough: 0 };
