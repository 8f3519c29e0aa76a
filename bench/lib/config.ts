/**
 * How big a run is. The full run fits in about three minutes on the 2-core CI-sized machine;
 * BENCH_QUICK=1 is a ~30 s smoke run that exercises every code path with small counts (its figures
 * are too short to quote). BENCH_SMOKE=1 is a seconds-long run of the harness itself (npm test runs it).
 * BENCH_ONLY=render,live,roundtrip,idle,many,cluster,durable,redraw runs a subset.
 */
export const SCENARIOS = ['render', 'live', 'roundtrip', 'idle', 'many', 'cluster', 'durable', 'redraw'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchConfig {
  quick: boolean;
  /** Each comparison runs its targets in this many short interleaved rounds; medians are reported. */
  rounds: number;
  /** autocannon: seconds per measured run, seconds of warm-up per target, connections. */
  httpSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Live-render memory: renders of each page before memory is read. */
  memoryRenders: number;
  /** Sequential round trips per target per round, after `roundTripWarmup` unmeasured ones. */
  roundTrips: number;
  roundTripWarmup: number;
  /** Events sent back to back in the pipelined variant. */
  pipelined: number;
  /** Idle connections held open per target. */
  idleConnections: number;
  /** Connected live pages (and raw ws sockets) held open at once in the many-pages scenario. */
  manyConnections: number;
  /** Round trips on random pages of the many held open, per round. */
  manyRoundTrips: number;
  only: ReadonlySet<ScenarioName>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const only = new Set<ScenarioName>();
  for (const name of (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`BENCH_ONLY: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    }
    only.add(name as ScenarioName);
  }
  const smoke = env.BENCH_SMOKE === '1';
  const base = smoke
    ? { rounds: 1, httpSeconds: 0.2, warmupSeconds: 0.1, memoryRenders: 20, roundTrips: 20, roundTripWarmup: 10, pipelined: 50, idleConnections: 10, manyConnections: 20, manyRoundTrips: 20 }
    : quick
    ? { rounds: 2, httpSeconds: 0.5, warmupSeconds: 0.3, memoryRenders: 300, roundTrips: 500, roundTripWarmup: 200, pipelined: 2_000, idleConnections: 100, manyConnections: 300, manyRoundTrips: 300 }
    : { rounds: 6, httpSeconds: 2, warmupSeconds: 2, memoryRenders: 2_000, roundTrips: 1_000, roundTripWarmup: 1_000, pipelined: 10_000, idleConnections: 500, manyConnections: 10_000, manyRoundTrips: 2_000 };
  return { quick: quick || smoke, connections: 10, ...base, only: only.size > 0 ? only : new Set(SCENARIOS) };
}
