/**
 * Topic messaging between page instances. The memory implementation serves one process; a
 * distributed one (Redis) implements the same interface.
 */
export type Listener = (data: unknown) => void;

export interface PubSub {
  /** Calls `listener` for every later publish on `topic`; returns the unsubscribe. */
  subscribe(topic: string, listener: Listener): () => void;
  publish(topic: string, data: unknown): void;
  /** Number of live subscriptions, for diagnostics and tests. */
  readonly size: number;
  close(): Promise<void>;
}
