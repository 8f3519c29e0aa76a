/**
 * Metrics in Prometheus's text format with prom-client, on a registry of their own (so a host app's
 * default registry is left alone). Live pages and mailbox depth are read from the page registry when
 * scraped; the rest are counted as they happen.
 */
import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionKind, Metrics } from './metrics.js';

export interface PageStats {
  /** Live page instances now. */
  livePages(): number;
  /** Events waiting in every page's mailbox, summed, and the deepest one. */
  mailboxDepth(): { total: number; max: number };
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new PromRegistry();
  readonly #connections: Gauge<'transport'>;
  readonly #connectionsTotal: Counter<'transport'>;
  readonly #events: Counter;
  readonly #resumes: Counter;
  readonly #expiries: Counter;
  readonly #commits: Histogram;

  constructor(stats: PageStats) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'pagebound_' });
    new Gauge({
      name: 'pagebound_live_pages', help: 'Live page instances in this process.', registers,
      collect() { this.set(stats.livePages()); },
    });
    new Gauge({
      name: 'pagebound_mailbox_depth', help: 'Events waiting in page mailboxes: the sum and the deepest.',
      labelNames: ['stat'], registers,
      collect() {
        const { total, max } = stats.mailboxDepth();
        this.set({ stat: 'total' }, total);
        this.set({ stat: 'max' }, max);
      },
    });
    this.#connections = new Gauge({
      name: 'pagebound_connections', help: 'Open live connections, by transport.', labelNames: ['transport'], registers,
    });
    this.#connectionsTotal = new Counter({
      name: 'pagebound_connections_total', help: 'Live connections opened, by transport.', labelNames: ['transport'], registers,
    });
    this.#events = new Counter({ name: 'pagebound_events_total', help: 'Client events accepted (rate() gives events/s).', registers });
    this.#resumes = new Counter({ name: 'pagebound_resumes_total', help: 'Clients that re-attached to their page.', registers });
    this.#expiries = new Counter({ name: 'pagebound_expiries_total', help: 'Clients whose page could not be resumed.', registers });
    this.#commits = new Histogram({
      name: 'pagebound_durable_commit_seconds', help: 'Time from sending a durable page\'s commit to the store until it was stored.', registers,
      // From a loopback Redis (~0.1 ms) to one in trouble: a reply waits this long for its commit.
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    });
    for (const transport of ['ws', 'http']) {
      this.#connections.set({ transport }, 0);
      this.#connectionsTotal.inc({ transport }, 0);
    }
  }

  connectionOpened(kind: ConnectionKind): void {
    this.#connections.inc({ transport: kind });
    this.#connectionsTotal.inc({ transport: kind });
  }

  connectionClosed(kind: ConnectionKind): void {
    this.#connections.dec({ transport: kind });
  }

  eventHandled(): void {
    this.#events.inc();
  }

  resumed(): void {
    this.#resumes.inc();
  }

  expired(): void {
    this.#expiries.inc();
  }

  durableCommitted(seconds: number): void {
    this.#commits.observe(seconds);
  }
}
