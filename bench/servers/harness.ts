/**
 * The child-process side every bench server shares: print the port on stdout once listening,
 * answer memory requests over IPC (after a full GC, so deltas show retained memory, not garbage)
 * and CPU-time requests, and exit when told to or when the bench process goes away, so no server
 * outlives a run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isRequest, type Reply } from '../lib/ipc.js';

export interface BenchServer {
  /** Starts listening on 127.0.0.1 and resolves with the port. */
  listen(): Promise<number>;
  counters?(): Record<string, number>;
  close(): Promise<void>;
}

/** The JSON options object the bench process passes as argv[2]. */
export function serverArgs<T extends object>(): Partial<T> {
  const raw = process.argv[2];
  return raw ? (JSON.parse(raw) as Partial<T>) : {};
}

async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench servers must run with --expose-gc');
  // Two passes with a turn of the event loop between them: the first can queue finalizers and
  // close callbacks whose garbage only the second collects.
  gc();
  await sleep(20);
  gc();
}

export async function runServer(server: BenchServer): Promise<void> {
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    // A server that does not close in time (e.g. keep-alive sockets) is not worth waiting for.
    const force = setTimeout(() => process.exit(code), 2_000);
    force.unref();
    try { await server.close(); } catch { /* exiting anyway */ }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('disconnect', () => void shutdown(0));

  process.on('message', (msg) => {
    if (!isRequest(msg)) return;
    if (msg.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: 'cpu', id: msg.id, micros: user + system } satisfies Reply);
      return;
    }
    void (async () => {
      await fullGc();
      const m = process.memoryUsage();
      const reply: Reply = {
        type: 'memory',
        id: msg.id,
        sample: {
          rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers,
          counters: server.counters?.() ?? {},
        },
      };
      process.send?.(reply);
    })();
  });

  const port = await server.listen();
  process.stdout.write(`${port}\n`);
}
