/**
 * Every page endpoint of the process: made for a page when it first needs one, found again by the
 * page for a hello, and watched by one liveness sweep (docs/protocol.md §4.2) — one timer for all
 * connections instead of one per connection. The sweep sends heartbeats on quiet connections and
 * drops those the peer has gone silent on (a half-open TCP connection reports nothing by itself).
 */
import type { FastifyBaseLogger } from 'fastify';
import { encode, type Wire } from '../protocol/codec.js';
import { PAGE_ID_RE } from '../protocol/constants.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { RefusalCode } from '../protocol/refusals.js';
import type { OutletFactory, PageActor } from '../page/outlet.js';
import { logIdOf } from '../page/page-instance.js';
import { PageEndpoint, type EndpointLimits } from './page-endpoint.js';
import { noMetrics, type Metrics } from '../metrics/metrics.js';

export interface LivenessLimits {
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
}

export type Hello =
  | { ok: true; endpoint: PageEndpoint }
  | { ok: false; code: RefusalCode; frame: Wire };

export class Endpoints {
  readonly #byPage = new WeakMap<PageActor, PageEndpoint>();
  readonly #live = new Set<PageEndpoint>();
  readonly #limits: EndpointLimits & LivenessLimits;
  readonly #log: FastifyBaseLogger;
  readonly #metrics: () => Metrics;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #cursor: Iterator<PageEndpoint> | undefined;

  /** `metrics` is read on each count, so metrics turned on after start-up are counted too. */
  constructor(limits: EndpointLimits & LivenessLimits, log: FastifyBaseLogger, metrics: () => Metrics = () => noMetrics) {
    this.#limits = limits;
    this.#log = log;
    this.#metrics = metrics;
  }

  /** The OutletFactory pages are made with. */
  readonly open: OutletFactory = (page) => {
    const endpoint = new PageEndpoint(page, this.#limits, this.#metrics, (e, live) => {
      if (live) this.#live.add(e);
      else this.#live.delete(e);
      this.#arm();
    });
    this.#byPage.set(page, endpoint);
    return endpoint;
  };

  /** The endpoint of `page`, if it has one yet. */
  of(page: PageActor): PageEndpoint | undefined {
    return this.#byPage.get(page);
  }

  /** Connections currently attached. */
  get connected(): number {
    return this.#live.size;
  }

  /**
   * The hello check (docs/protocol.md §3): the page exists and is open, this session owns it, and it
   * can still replay what the client missed. "No such page" and "not your page" get the same answer,
   * so a prober cannot learn which ids are live.
   */
  hello(page: PageActor | undefined, pageId: string | undefined, sessionId: string | undefined, ack: number): Hello {
    const endpoint = page && pageId && PAGE_ID_RE.test(pageId) ? this.#byPage.get(page) : undefined;
    if (!endpoint || !sessionId || endpoint.page.sessionId !== sessionId) {
      // Logged as what it is; answered as an unknown page.
      if (endpoint) this.#log.info({ page: logIdOf(endpoint.page.id), code: 'PB_ERR_SESSION_MISMATCH' }, 'hello refused: another session');
      this.#metrics().expired();
      return refusal('PB_ERR_PAGE_EXPIRED', { t: 'expired', reason: 'unknown' });
    }
    const problem = endpoint.resumeProblem(ack);
    if (problem) {
      this.#metrics().expired();
      return refusal('PB_ERR_PAGE_EXPIRED', { t: 'expired', reason: problem });
    }
    return { ok: true, endpoint };
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  #arm(): void {
    if (this.#live.size === 0) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
      this.#cursor = undefined;
      return;
    }
    if (this.#sweep) return;
    const { heartbeatMs, heartbeatTimeoutMs } = this.#limits;
    // Each pass visits every connection within min(hb, timeout/4); it is spread over SLICES ticks so
    // that 10,000 connections never cost one long pause (a round-trip tail) in a single tick.
    this.#sweep = setInterval(() => this.#tick(), Math.min(heartbeatMs, heartbeatTimeoutMs / 4) / SLICES);
    this.#sweep.unref();
  }

  #tick(): void {
    const now = Date.now();
    const { heartbeatMs, heartbeatTimeoutMs } = this.#limits;
    // A Set's iterator survives additions and deletions: the pass goes on where the last tick stopped.
    let budget = Math.ceil(this.#live.size / SLICES);
    while (budget-- > 0) {
      this.#cursor ??= this.#live.values();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = undefined;
        break;
      }
      const endpoint = next.value;
      const conn = endpoint.connection;
      if (!conn) continue;
      if (conn.present) {
        endpoint.lastHeardAt = now;
      } else if (now - endpoint.lastHeardAt > heartbeatTimeoutMs) {
        // Silent past the timeout: half-open or gone. Dropping keeps the page for a resume.
        endpoint.detach(conn);
        conn.drop();
        continue;
      }
      if (conn.wantsHeartbeat && now - endpoint.lastSentAt >= heartbeatMs) endpoint.heartbeat();
    }
  }
}

/** Ticks one liveness pass is spread over. */
const SLICES = 8;

function refusal(code: RefusalCode, frame: ServerFrame): Hello {
  return { ok: false, code, frame: encode(frame) };
}
