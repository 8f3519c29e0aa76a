/**
 * Durable pages of this node (docs/protocol.md §7.4): starts recording a page on its first render,
 * and claims a page another node held when its client's hello reaches this node instead. A claim
 * reads the snapshot, checks the session, moves the epoch up (the old holder's late commits are
 * refused from then on), reads the snapshot again (the last the old holder stored, which can no
 * longer change), makes the page again from its module with that state, runs its `mount`, and puts
 * its endpoint back where the commit left it, so the hello resumes exactly-once. A page that redraws
 * itself goes on redrawing from its stored view.
 *
 * While this node lives it keeps its pages' records alive: a record expires `durableTtlMs` after
 * its last commit, so every third of that a sweep refreshes the pages that have not committed
 * since — in batches of one round trip each, not one call per page — and an idle page stays
 * claimable should this node die. A page whose node died, and that no client claims, still expires.
 */
import type { Runtime } from '../runtime.js';
import { createInstance } from '../page/create-instance.js';
import { isDefinedPage } from '../page/define-page.js';
import type { PageInstance } from '../page/page-instance.js';
import { logIdOf } from '../page/page-instance.js';
import { PAGE_ID_RE } from '../protocol/constants.js';
import type { DurableStore } from './store.js';
import { Recorder, type RecorderContext } from './recorder.js';
import { decodeSnapshot, sameSession, sessionDigest } from './snapshot.js';
import { restoreRendering } from '../render/restore-rendering.js';

/** Shortest and longest time between two sweeps, ms, whatever the TTL (the longest is the timer's limit). */
const MIN_SWEEP_MS = 100;
const MAX_SWEEP_MS = 2 ** 31 - 1;
/** Pages handed to one `store.refresh`: a sweep of many pages is a bounded series of round trips. */
const SWEEP_BATCH = 500;

export class DurablePages {
  readonly store: DurableStore;
  readonly #rt: () => Runtime;
  /** Claims under way, so two hellos for one page on this node make one instance. */
  readonly #claims = new Map<string, Promise<PageInstance<any> | undefined>>();
  /** The durable pages this node holds now, whose records it keeps alive. */
  readonly #held = new Set<Recorder>();
  #sweep: ReturnType<typeof setInterval> | undefined;
  #sweeping: Promise<void> | undefined;
  readonly #release = (recorder: Recorder) => this.#held.delete(recorder);
  #ctx: RecorderContext | undefined;

  constructor(store: DurableStore, rt: () => Runtime) {
    this.store = store;
    this.#rt = rt;
  }

  /**
   * A durable page just admitted on its first render: its first commit (epoch 1) is stored before the
   * page is sent. `view`: what a redraw needs besides the state (snapshot.ts redrawView), for a page that redraws.
   */
  async start(instance: PageInstance<any>, view?: string): Promise<void> {
    const rt = this.#rt();
    const endpoint = rt.endpoints.of(instance);
    if (!endpoint) throw new Error('a durable page is admitted before it is recorded');
    const recorder = new Recorder(instance, endpoint, { epoch: 1, inDone: 0, session: sessionDigest(instance.sessionId), view }, this.#context);
    instance.durable = recorder;
    this.#hold(recorder);
    recorder.taskDone(undefined);
    if (!(await recorder.flushed())) throw new Error('a new durable page was refused by the store');
  }

  /**
   * The page `pageId`, taken over from the store for `sessionId`, or undefined: not stored, another
   * session's, its route or module gone or no longer durable, or claimed by another node first. All
   * of these are answered as an unknown page, as the hello check does.
   */
  claim(pageId: string, sessionId: string | undefined, address?: string): Promise<PageInstance<any> | undefined> {
    if (!sessionId || !PAGE_ID_RE.test(pageId)) return Promise.resolve(undefined);
    let claiming = this.#claims.get(pageId);
    if (!claiming) {
      claiming = this.#claim(pageId, sessionId, address).finally(() => this.#claims.delete(pageId));
      this.#claims.set(pageId, claiming);
    }
    return claiming.then((page) => (page && page.sessionId === sessionId && !page.closed ? page : undefined));
  }

  /** Stops the sweep and closes the store (the app's close, after its pages closed). */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    await this.#sweeping;
    await this.store.close();
  }

  /** Refreshes the records of held pages that have not been stored for a third of `durableTtlMs`. */
  refreshIdle(): Promise<void> {
    this.#sweeping ??= this.#refreshIdle().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  /** What this node's recorders share; made on first use, when the runtime is complete. */
  get #context(): RecorderContext {
    const rt = this.#rt();
    this.#ctx ??= { store: this.store, opts: rt.options, log: rt.log, metrics: () => this.#rt().metrics, onEnd: this.#release };
    return this.#ctx;
  }

  #hold(recorder: Recorder): void {
    this.#held.add(recorder);
    if (this.#sweep) return;
    const ttl = this.#rt().options.durableTtlMs;
    // A third of the TTL: a sweep that finds Redis down still has two more chances before expiry.
    this.#sweep = setInterval(() => void this.refreshIdle(), Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, ttl / 3)));
    this.#sweep.unref();
  }

  async #refreshIdle(): Promise<void> {
    const { options, log } = this.#rt();
    const ttl = options.durableTtlMs;
    const due = Date.now() - ttl / 3;
    const idle = [...this.#held].filter((r) => r.storedAt <= due);
    for (let i = 0; i < idle.length; i += SWEEP_BATCH) {
      const batch = idle.slice(i, i + SWEEP_BATCH);
      const now = Date.now();
      try {
        await this.store.refresh(batch.map((r) => r.pageId), ttl);
      } catch (err) {
        log.warn({ err, pages: idle.length - i }, 'durable pages not refreshed; retrying at the next sweep');
        return;
      }
      for (const r of batch) if (r.storedAt < now) r.storedAt = now;
    }
  }

  async #claim(pageId: string, sessionId: string, address: string | undefined): Promise<PageInstance<any> | undefined> {
    const rt = this.#rt();
    const log = rt.log.child({ page: logIdOf(pageId) });
    let first;
    try {
      first = await this.store.read(pageId);
    } catch (err) {
      log.warn({ err }, 'durable page could not be read');
      return undefined;
    }
    const seen = first && decodeSnapshot(first.data);
    if (!first || !seen) return undefined;
    if (!sameSession(seen, sessionId)) {
      log.info({ code: 'PB_ERR_SESSION_MISMATCH' }, 'durable claim refused: another session');
      return undefined;
    }
    const route = rt.router.routes.find((r) => r.kind === 'page' && r.url === seen.route);
    const def = route && (await rt.loader.load(route.file).catch(() => undefined));
    if (!route || !isDefinedPage(def) || !def.durable) {
      log.warn({ route: seen.route }, 'durable page not restored: its page module is gone or no longer durable');
      return undefined;
    }
    const epoch = await this.store.claim(pageId, first.epoch, rt.options.durableTtlMs).catch(() => undefined);
    if (epoch === undefined) return undefined;
    // The holder may have committed between that read and the claim — at the same epoch, so it was
    // stored, and its client may have seen what it released. Now that the claim fences it, the
    // record can change no more: read it again and restore that, not the first read.
    const stored = await this.store.read(pageId).catch((err) => {
      log.warn({ err }, 'durable page could not be read after its claim');
      return undefined;
    });
    const snapshot = stored?.epoch === epoch ? decodeSnapshot(stored.data) : undefined;
    if (!stored || !snapshot) return undefined;
    // Another hello may have been taken here meanwhile by an instance that is now stale: it goes.
    const stale = rt.registry.get(pageId);
    if (stale) await stale.close('claimed');

    const instance = createInstance(rt, def, route, pageId);
    instance.state = snapshot.state;
    try {
      await rt.registry.admit(instance, sessionId, address);
    } catch (err) {
      // This node is full of held pages (PB_ERR_TOO_MANY_PAGES): the record stays for a later try.
      log.warn({ err }, 'durable page not restored here');
      return undefined;
    }
    const endpoint = rt.endpoints.of(instance)!;
    endpoint.restore(snapshot.at, stored.frames.filter((f) => f.s < snapshot.at.out.next) as never);
    const recorder = new Recorder(instance, endpoint, { epoch, inDone: snapshot.at.in, session: snapshot.session, view: snapshot.view && JSON.stringify(snapshot.view) }, this.#context);
    instance.durable = recorder;
    this.#hold(recorder);
    try {
      restoreRendering(rt, instance, def, route, snapshot.view);
      await def.mount?.(instance);
    } catch (err) {
      log.error({ err }, 'durable page mount() failed on restore');
      await instance.close('claimed');
      return undefined;
    }
    // What mount pushed is committed before it can leave.
    recorder.taskDone(undefined);
    log.info({ epoch }, 'durable page claimed');
    rt.metrics.resumed();
    return instance;
  }
}
