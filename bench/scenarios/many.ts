/**
 * Scenario 5 — many pages in one process: 10,000 connected live counter pages (render, WebSocket,
 * hello → welcome each, every render its own browser session) against 10,000 raw `ws` sockets, one
 * server process each. Reports memory per connection and the round-trip tail on random pages while
 * all of them are open: with one connection a tail says little about timers, sweeps and GC work
 * that grow with the number of pages.
 *
 * The two populations cannot be open at once: the bench process would hold 20,000 sockets, over
 * the 20,000-descriptor limit of this machine. So they run one after the other, each in a fresh
 * server process, and the round trips are measured in several rounds within each.
 */
import type { BenchConfig } from '../lib/config.js';
import type { MetricRow, Section } from '../lib/report.js';
import { startServer } from '../lib/child-server.js';
import type { MemorySample } from '../lib/ipc.js';
import { runPool } from '../lib/pool.js';
import { percentile, ratio } from '../lib/stats.js';
import { bytes, int, times } from '../lib/format.js';
import type { RpcClient } from '../clients/rpc.js';
import { PageboundClient, renderLivePage } from '../clients/pagebound.js';
import { RawWsClient } from '../clients/raw-ws.js';

const TARGETS = ['pagebound', 'ws'] as const;
type Target = (typeof TARGETS)[number];
const LABEL: Record<Target, string> = { pagebound: 'pagebound live counter pages', ws: 'raw `ws` sockets' };
const COUNTER: Record<Target, string> = { pagebound: 'liveInstances', ws: 'sockets' };
const ROUNDS = 3;

interface Measured { before: MemorySample; after: MemorySample; micros: number[]; openMs: number }

async function measure(target: Target, n: number, roundTrips: number, timeoutMs: number): Promise<Measured> {
  const server = target === 'pagebound'
    ? await startServer('pagebound.ts', { maxInstances: n * 2 + 1_000, maxInstancesPerSession: 10, connectTimeoutMs: 600_000 })
    : await startServer('ws-echo.ts');
  const clients: RpcClient[] = [];
  const open = target === 'pagebound'
    ? async () => PageboundClient.connect(server.url, await renderLivePage(server.url, '/counter'))
    : () => RawWsClient.connect(server.url);
  try {
    const warm = 100;
    await runPool(warm, 20, timeoutMs, async () => { clients.push(await open()); });
    for (const c of clients) await c.call();
    const before = await server.memory();
    const t0 = Date.now();
    await runPool(n, 50, timeoutMs, async () => { clients.push(await open()); });
    const openMs = Date.now() - t0;
    const after = await server.memory();
    const count = (after.counters[COUNTER[target]] ?? 0) - (before.counters[COUNTER[target]] ?? 0);
    if (count !== n) throw new Error(`${target}: ${count} connections counted by the server, expected ${n}`);
    // Round trips on random pages, one at a time, while all are open.
    const micros: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < roundTrips; i++) {
        const c = clients[Math.floor(Math.random() * clients.length)]!;
        const s = performance.now();
        await c.call();
        micros.push((performance.now() - s) * 1000);
      }
    }
    return { before, after, micros, openMs };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}

export async function manyScenario(cfg: BenchConfig): Promise<Section[]> {
  const n = cfg.manyConnections;
  const results = {} as Record<Target, Measured>;
  for (const t of TARGETS) results[t] = await measure(t, n, cfg.manyRoundTrips, cfg.quick ? 60_000 : 240_000);
  const per = (t: Target, key: 'rss' | 'heapUsed') => (results[t].after[key] - results[t].before[key]) / n;
  const p = (t: Target, q: number) => percentile(results[t].micros, q);
  const metrics: MetricRow[] = [
    {
      name: `RSS per connected live page, ${int(n)} open in one process`, unit: 'bytes',
      value: per('pagebound', 'rss'), peer: `raw ws, ${int(n)} sockets`, peerValue: per('ws', 'rss'),
      ratio: ratio(per('pagebound', 'rss'), per('ws', 'rss')), goal: 1.5, better: 'lower',
    },
    {
      name: `event round trip p99 on random pages, ${int(n)} open`, unit: 'µs',
      value: p('pagebound', 99), peer: `raw ws echo p99 on random sockets, ${int(n)} open`, peerValue: p('ws', 99),
      ratio: ratio(p('pagebound', 99), p('ws', 99)), goal: 1.5, better: 'lower',
    },
    {
      name: `heap per connected live page, ${int(n)} open`, unit: 'bytes',
      value: per('pagebound', 'heapUsed'), peer: `raw ws, ${int(n)} sockets`, peerValue: per('ws', 'heapUsed'),
      ratio: ratio(per('pagebound', 'heapUsed'), per('ws', 'heapUsed')), better: 'lower',
    },
  ];
  return [{
    title: '5. Many pages in one process',
    metrics,
    method: `${int(n)} connections opened (50 at a time) and held in one server process, after 100 warm-up ones; memory after a full GC before and after, Δ ÷ ${int(n)}. ` +
      `Then ${ROUNDS} × ${int(cfg.manyRoundTrips)} round trips, one at a time, each on a randomly chosen connection. Each population in its own fresh server process, one after the other.`,
    table: {
      headers: ['server', 'RSS / conn', 'heap / conn', 'open time', 'p50 µs', 'p99 µs', 'p99.9 µs'],
      rows: TARGETS.map((t) => [
        LABEL[t], bytes(per(t, 'rss')), bytes(per(t, 'heapUsed')), `${(results[t].openMs / 1000).toFixed(1)} s`,
        int(p(t, 50)), int(p(t, 99)), int(p(t, 99.9)),
      ]),
    },
    notes: [
      `**RSS per page ${times(metrics[0]!.ratio)} raw ws (goal ≤ 1.5×); round-trip p99 ${times(metrics[1]!.ratio)} raw ws (goal ≤ 1.5×).**`,
    ],
  }];
}
