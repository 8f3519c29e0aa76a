/**
 * One fixed-duration HTTP load run with autocannon. A run with errors or non-2xx answers is thrown
 * away rather than reported: its req/s would count failures as work.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  /** Run for this long… */
  seconds?: number;
  /** …or until this many requests have been answered. */
  amount?: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Completed 2xx requests per second over the run. */
  rps: number;
  /** Latency percentiles in ms (autocannon records whole milliseconds). */
  p50: number;
  p99: number;
  requests: number;
}

export async function httpLoad(url: string, opts: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: opts.connections,
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.seconds ?? 1 }),
    headers: opts.headers ?? {},
    // A request slower than this is a stall worth failing the run for, not a latency sample.
    timeout: 10,
    // autocannon only stops on a sample tick, so with the default 1 s ticks a 0.5 s run lasts 1 s
    // and an `amount` run idles up to 1 s after its last request.
    sampleInt: 100,
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx during load`);
  }
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'],
  };
}

/**
 * Checks what a URL serves before it is loaded, so a benchmark can never measure a 404 page or
 * the wrong page at full speed.
 */
export async function expectPage(url: string, mustContain: string[], headers: Record<string, string> = {}): Promise<{ headers: Headers; html: string }> {
  const res = await fetch(url, { headers });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  for (const needle of mustContain) {
    if (!html.includes(needle)) throw new Error(`${url} does not contain ${JSON.stringify(needle)}`);
  }
  return { headers: res.headers, html };
}
