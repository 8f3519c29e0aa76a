/**
 * What the round-trip and idle scenarios need from a client, whatever the wire: one request that
 * waits for its reply, and a burst of requests sent without waiting.
 */
export interface RpcClient {
  /** Sends one event and resolves when its reply arrives. */
  call(): Promise<void>;
  /** Sends `n` events back to back and resolves when all `n` replies have arrived. */
  burst(n: number, timeoutMs: number): Promise<void>;
  close(): void;
}

/** Rejects when a bounded wait runs out, naming what was awaited. */
export function deadline(ms: number, what: string): { promise: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Runs `fn` with a time limit. */
export async function bounded<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  const d = deadline(ms, what);
  try {
    return await Promise.race([fn(), d.promise]);
  } finally {
    d.cancel();
  }
}
