/**
 * What pagebound counts while it runs. The transport and page layers call these (one line each);
 * with metrics off they are no-ops, so nothing pays for counting it does not export.
 */
export type ConnectionKind = 'ws' | 'http';

export interface Metrics {
  /** A live connection (a WebSocket, or an HTTP client's hello) attached. */
  connectionOpened(kind: ConnectionKind): void;
  /** That connection ended. */
  connectionClosed(kind: ConnectionKind): void;
  /** A client event was accepted into a page's mailbox. */
  eventHandled(): void;
  /** A client re-attached to a page it was connected to before. */
  resumed(): void;
  /** A client's page could not be resumed (closed, retain time over, replay window passed). */
  expired(): void;
  /** A durable page's commit was stored, `seconds` after it was sent: what each of its events waited for. */
  durableCommitted(seconds: number): void;
}

export const noMetrics: Metrics = {
  connectionOpened() {},
  connectionClosed() {},
  eventHandled() {},
  resumed() {},
  expired() {},
  durableCommitted() {},
};
