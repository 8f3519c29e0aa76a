/**
 * The messages between the bench process and a server child. Memory and CPU are read over IPC
 * rather than an HTTP route so that reading them adds no request, socket or route to the server
 * being measured.
 */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Server-specific counts, e.g. live page instances or open sockets. */
  counters: Record<string, number>;
}

/**
 * `memory` runs a full GC first, so it is only asked for between measurements; `cpu` is cheap
 * and is read around each timed run.
 */
export type Request = { type: 'memory' | 'cpu'; id: number };

export type Reply =
  | { type: 'memory'; id: number; sample: MemorySample }
  /** User + system CPU time the server process has used, in µs. */
  | { type: 'cpu'; id: number; micros: number };

export const isRequest = (m: unknown): m is Request =>
  typeof m === 'object' && m !== null && ((m as Request).type === 'memory' || (m as Request).type === 'cpu') && typeof (m as Request).id === 'number';

export const isReply = (m: unknown): m is Reply =>
  typeof m === 'object' && m !== null && typeof (m as Reply).id === 'number' && ((m as Reply).type === 'memory' || (m as Reply).type === 'cpu');
