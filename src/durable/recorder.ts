/**
 * Commits one durable page: after each mailbox task it takes the state and the endpoint's position
 * at that instant (consistent: no handler runs between two tasks), and writes them to the store at
 * the page's epoch. Writes go one at a time; a task that ends while one is in flight replaces the
 * waiting snapshot (the newer holds everything the older did). Once a write is stored the endpoint
 * releases the frames and acks it holds. A write refused for its epoch means another node claimed
 * the page: this copy closes without telling its client the page expired.
 *
 * A task that changed nothing a commit holds — the same state (by its JSON), no new client frame
 * taken in, no frame pushed — is not committed: the last commit holds everything a client may see.
 * Acks the client sent since are dropped from the store lazily, by the next commit: a restore from
 * a record that still keeps acked frames only replays less than it keeps (§7.4).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PageEndpoint } from '../endpoint/page-endpoint.js';
import type { DurableHooks, PageInstance } from '../page/page-instance.js';
import { logIdOf } from '../page/page-instance.js';
import type { Metrics } from '../metrics/metrics.js';
import type { DurableStore, StoredFrame } from './store.js';
import { encodeSnapshot, stateJson } from './snapshot.js';

export interface RecorderOptions {
  maxDurableStateBytes: number;
  durableTtlMs: number;
}

/** What every recorder of one node shares. */
export interface RecorderContext {
  store: DurableStore;
  opts: RecorderOptions;
  log: FastifyBaseLogger;
  /** Told how long each stored commit took. Default: nothing counted. */
  metrics?: () => Pick<Metrics, 'durableCommitted'>;
  /** Called once when the page closes (for good, or handed off): its holder stops tracking it. */
  onEnd?: (recorder: Recorder) => void;
}

/** Where a page's recording starts: its epoch, the last client frame its state holds, and its session's digest. */
export interface RecorderStart {
  epoch: number;
  inDone: number;
  session: string;
  /** The page's view (snapshot.ts redrawView), the same in every snapshot; undefined when it does not redraw. */
  view?: string;
}

interface Pending {
  data: string;
  in: number;
  out: number;
  /** Frames up to this number may go from the store: acked, or trimmed past the replay window. */
  dropThrough: number;
}

/** Closes that leave the page for another node: this process stopping, or the page claimed away. */
const HAND_OFF_REASONS = new Set(['server-close', 'claimed']);
/** Wait before retrying a commit the store failed (Redis down): frames stay held meanwhile. */
const RETRY_MS = 250;

export class Recorder implements DurableHooks {
  readonly #page: PageInstance<any>;
  readonly #endpoint: PageEndpoint;
  readonly #store: DurableStore;
  readonly #opts: RecorderOptions;
  readonly #session: string;
  readonly #log: FastifyBaseLogger;
  #epoch: number;
  /** The last client frame the state has taken in. */
  #inDone: number;
  #pending: Pending | undefined;
  /** The last server frame taken into a snapshot so far. */
  #captured: number;
  /** Frames taken into snapshots and not yet stored, oldest first: each commit adds only these. */
  #unstored: StoredFrame[] = [];
  #writing: Promise<void> | undefined;
  #fenced = false;
  /** The page's view (snapshot.ts redrawView), the same in every snapshot; undefined when it does not redraw. */
  readonly #view: string | undefined;
  /** What the last snapshot taken holds (state JSON, last client frame, next server frame); undefined before the first. */
  #taken: { state: string; in: number; next: number } | undefined;
  /** When the store last kept this page alive (a commit or a refresh), ms; the sweep refreshes idle pages by it. */
  storedAt = 0;
  readonly #onEnd: ((recorder: Recorder) => void) | undefined;
  readonly #metrics: (() => Pick<Metrics, 'durableCommitted'>) | undefined;

  constructor(page: PageInstance<any>, endpoint: PageEndpoint, { epoch, inDone, session, view }: RecorderStart, ctx: RecorderContext) {
    this.#view = view;
    this.#page = page;
    this.#endpoint = endpoint;
    this.#store = ctx.store;
    this.#epoch = epoch;
    this.#inDone = inDone;
    this.#session = session;
    this.#opts = ctx.opts;
    this.#log = ctx.log;
    this.#onEnd = ctx.onEnd;
    this.#metrics = ctx.metrics;
    endpoint.hold();
    // A restored endpoint's frames are in the store already; a new page's are all to be added.
    this.#captured = epoch > 1 ? endpoint.lastSent : 0;
  }

  get epoch(): number {
    return this.#epoch;
  }

  get pageId(): string {
    return this.#page.id;
  }

  taskDone(seq: number | undefined): void {
    if (this.#fenced) return;
    if (seq !== undefined && seq > this.#inDone) this.#inDone = seq;
    let state: string;
    try {
      state = stateJson(this.#page.state, this.#opts.maxDurableStateBytes);
    } catch (err) {
      // The page could no longer move: close it now rather than let a node loss roll it back silently.
      this.#log.error({ err, page: logIdOf(this.#page.id) }, 'durable page state cannot be committed');
      this.#page.devOnError?.(err);
      void this.#page.close('durable-state');
      return;
    }
    const at = this.#endpoint.position(this.#inDone);
    const taken = this.#taken;
    if (taken && taken.state === state && taken.in === at.in && taken.next === at.out.next) return;
    this.#taken = { state, in: at.in, next: at.out.next };
    const out = at.out.next - 1;
    if (out > this.#captured) {
      for (const f of this.#endpoint.framesAfter(this.#captured)) this.#unstored.push(f);
      this.#captured = out;
    }
    this.#pending = {
      data: encodeSnapshot(this.#page.route, this.#session, state, at, this.#view), in: at.in, out,
      dropThrough: Math.max(at.out.acked, at.out.floor - 1),
    };
    this.#writing ??= this.#write();
  }

  /** Resolves once every snapshot taken so far is stored (or refused). */
  async flushed(): Promise<boolean> {
    while (this.#writing) await this.#writing;
    return !this.#fenced;
  }

  handsOff(reason: string): boolean {
    return HAND_OFF_REASONS.has(reason);
  }

  async closed(reason: string): Promise<void> {
    this.#onEnd?.(this);
    await this.flushed();
    if (this.#fenced || this.handsOff(reason)) return;
    // Closed for good (a goodbye, a timeout, an eviction): no node may bring it back.
    await this.#store.remove(this.#page.id, this.#epoch).catch((err) => {
      this.#log.warn({ err, page: logIdOf(this.#page.id) }, 'durable page not removed; it expires with durableTtlMs');
    });
  }

  async #write(): Promise<void> {
    try {
      while (this.#pending && !this.#fenced) {
        const p = this.#pending;
        this.#pending = undefined;
        let stored: boolean;
        const started = performance.now();
        // Frames already acked need not be stored at all.
        while (this.#unstored.length > 0 && this.#unstored[0]!.s <= p.dropThrough) this.#unstored.shift();
        const add = this.#unstored.length;
        try {
          stored = await this.#store.commit(this.#page.id, this.#epoch, p.data, { add: this.#unstored.slice(0, add), dropThrough: p.dropThrough }, this.#opts.durableTtlMs);
        } catch (err) {
          // A closed page stops here: the snapshot before stays, and nothing of this one was sent.
          if (this.#page.closed) return;
          this.#log.warn({ err, page: logIdOf(this.#page.id) }, 'durable commit failed; retrying');
          this.#pending ??= p;
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        if (!stored) {
          this.#fenced = true;
          this.#log.info({ page: logIdOf(this.#page.id) }, 'durable page claimed by another node; closing this copy');
          void this.#page.close('claimed');
          return;
        }
        this.#metrics?.().durableCommitted((performance.now() - started) / 1000);
        this.#unstored.splice(0, add);
        this.storedAt = Date.now();
        this.#endpoint.release(p.in, p.out);
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
