/**
 * Test doubles for the endpoint layer: a Connection that records what the server sent, and a page
 * wired to a real PageEndpoint through it, so page tests go through the same path as a transport.
 */
import pino from 'pino';
import type { Connection } from '../../src/endpoint/connection.js';
import { PageEndpoint, type EndpointLimits } from '../../src/endpoint/page-endpoint.js';
import { PageInstance, type PageKind, type PageShared } from '../../src/page/page-instance.js';
import { MemoryPubSub } from '../../src/pubsub/memory.js';
import { noMetrics } from '../../src/metrics/metrics.js';
import type { ClientFrame } from '../../src/protocol/frames.js';

export class RecordingConnection implements Connection {
  readonly kind = 'ws' as const;
  readonly wantsHeartbeat = true;
  readonly carriesAcks = false;
  present = false;
  holds = true;
  bufferedBytes = 0;
  frames: any[] = [];
  closed: { code: number; reason?: string } | undefined;
  dropped = false;
  control(wire: string): void {
    this.frames.push(JSON.parse(wire));
  }
  sequenced(wire: string): void {
    this.frames.push(JSON.parse(wire));
  }
  close(code: number, reason?: string): void {
    this.closed ??= { code, reason };
  }
  drop(): void {
    this.dropped = true;
  }
  of(t: string): any[] {
    return this.frames.filter((f) => f.t === t);
  }
}

export const testLimits: EndpointLimits = {
  replayMaxFrames: 100, replayMaxBytes: 1 << 20, ackDelayMs: 5, heartbeatMs: 15_000,
  maxMailbox: 100, maxMailboxBytes: 1 << 20, maxStreamBytes: 1 << 16, maxBufferedBytes: 1 << 22,
};

const endpoints = new WeakMap<PageInstance<any>, PageEndpoint>();
let seq = 0;

/** A page with a real endpoint behind it; `limits` tune the endpoint, `overrides` the page. */
export function makePage(overrides: Partial<PageShared> & PageKind = {}, limits: Partial<EndpointLimits> = {}): PageInstance<any> {
  const { handlers, catchAll, onClose, live, ...shared } = overrides;
  const page: PageInstance<any> = new PageInstance(`page-id-${String(++seq).padStart(15, '0')}`, '/test', {
    dev: true,
    retainMs: 1000,
    connectTimeoutMs: 60_000,
    eventTimeoutMs: 30_000,
    pubsub: new MemoryPubSub(),
    log: pino({ level: 'silent' }),
    outlet: (p) => {
      const e = new PageEndpoint(p, { ...testLimits, ...limits }, () => noMetrics, () => {});
      endpoints.set(p as PageInstance<any>, e);
      return e;
    },
    onClosed: () => {},
    ...shared,
  }, { handlers, catchAll, onClose, live });
  return page;
}

/** The page's endpoint (admitting the page first, which is when it gets one). */
export function endpointOf(page: PageInstance<any>, sessionId = 'session-a'): PageEndpoint {
  if (page.lifecycle === 'rendering') page.admitted(sessionId);
  return endpoints.get(page)!;
}

/** Attaches a recording connection as a hello with `ack` would. */
export function connect(page: PageInstance<any>, conn = new RecordingConnection(), ack = 0): RecordingConnection {
  endpointOf(page).attach(conn, ack);
  return conn;
}

/** A client frame through the endpoint, over the live connection (connecting one if needed). */
export function take(page: PageInstance<any>, frame: ClientFrame, pausable = true) {
  const endpoint = endpointOf(page);
  const conn = endpoint.connection ?? connect(page);
  return endpoint.take(conn, frame, pausable);
}

export const event = (page: PageInstance<any>, s: number, n: string, d?: unknown) => take(page, { t: 'ev', s, n, d });
