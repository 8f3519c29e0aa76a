/**
 * autocannon ships no types and @types/autocannon is not a dependency of this repo, so this
 * declares just the part of its API the benchmarks call.
 */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    /** Seconds; fractions are allowed. */
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
    timeout?: number;
    /** ms between samples; a run only ends on a sample tick. Default 1000. */
    sampleInt?: number;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  interface Result {
    requests: Histogram;
    /** Milliseconds, recorded at 1 ms resolution. */
    latency: Histogram;
    throughput: Histogram;
    /** Seconds the run actually lasted. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }

  /** A thenable run (it has then/catch but no finally) that can be stopped early. */
  function autocannon(opts: Options): PromiseLike<Result> & { stop(): void };
  export default autocannon;
}
