/**
 * Scenario 4 — idle connections memory: what the server keeps per connected tab, against a raw
 * `ws` server and Socket.IO holding the same number of idle connections. For pagebound a "tab" is
 * the whole life of a real one: render (a new browser session each), WebSocket, hello → welcome.
 * Each server is a fresh process, measured after a full GC before and after the connections open.
 */
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServer } from '../lib/child-server.js';
import type { MemorySample } from '../lib/ipc.js';
import { runPool } from '../lib/pool.js';
import { ratio } from '../lib/stats.js';
import { bytes, int, times } from '../lib/format.js';
import type { RpcClient } from '../clients/rpc.js';
import { PageboundClient, renderLivePage } from '../clients/pagebound.js';
import { RawWsClient } from '../clients/raw-ws.js';
import { SocketIoClient } from '../clients/socketio.js';

const TARGETS = ['pagebound', 'ws', 'socketio'] as const;
type Target = (typeof TARGETS)[number];
const LABEL: Record<Target, string> = {
  pagebound: 'pagebound live page (render + ws + hello)',
  ws: 'raw `ws` (open + one message)',
  socketio: 'Socket.IO (connect)',
};
const SERVER: Record<Target, string> = { pagebound: 'pagebound.ts', ws: 'ws-echo.ts', socketio: 'socketio.ts' };
/** The counter each server reports for what is open; checked so a silently dropped connection cannot shrink the figure. */
const COUNTER: Record<Target, string> = { pagebound: 'liveInstances', ws: 'sockets', socketio: 'sockets' };

const open: Record<Target, (url: string) => Promise<RpcClient>> = {
  pagebound: async (url) => PageboundClient.connect(url, await renderLivePage(url, '/live')),
  ws: (url) => RawWsClient.connect(url),
  socketio: (url) => SocketIoClient.connect(url),
};

interface Measured { before: MemorySample; after: MemorySample; count: number }

async function measure(target: Target, n: number, timeoutMs: number): Promise<Measured> {
  const server = await startServer(SERVER[target]);
  const clients: RpcClient[] = [];
  try {
    // Warm-up connections, kept open and left out of the delta: one-time costs (module load, template
    // compile, and above all JIT code, which lives in the heap) would otherwise be spread over `n`.
    const warm = Math.max(20, Math.round(n / 10));
    await runPool(warm, 10, timeoutMs, async () => { clients.push(await open[target](server.url)); });
    const before = await server.memory();
    await runPool(n, 10, timeoutMs, async () => { clients.push(await open[target](server.url)); });
    const after = await server.memory();
    const count = (after.counters[COUNTER[target]] ?? 0) - (before.counters[COUNTER[target]] ?? 0);
    if (count !== n) throw new Error(`${target}: ${count} connections counted by the server, expected ${n}`);
    return { before, after, count };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}

export async function idleScenario(cfg: BenchConfig): Promise<Section[]> {
  const n = cfg.idleConnections;
  const results = {} as Record<Target, Measured>;
  for (const t of TARGETS) results[t] = await measure(t, n, cfg.quick ? 30_000 : 120_000);

  const per = (t: Target, key: 'heapUsed' | 'rss' | 'external') => (results[t].after[key] - results[t].before[key]) / results[t].count;
  const heap = (t: Target) => per(t, 'heapUsed');
  return [{
    title: '4. Idle connections memory',
    metrics: [{
      name: 'heap per idle connected live page', unit: 'bytes', value: heap('pagebound'), peer: 'raw ws connection',
      peerValue: heap('ws'), ratio: ratio(heap('pagebound'), heap('ws')), goal: 1.5, better: 'lower',
    }],
    method: `${int(n)} connections held open per server (at most 10 opening at once), each server a fresh process warmed by ${int(Math.max(20, Math.round(n / 10)))} connections first; ` +
      'memory read over IPC after a full GC before and after; Δ ÷ connections. RSS is coarse (it includes allocator slack), heap is the figure to compare.',
    table: {
      headers: ['server', 'heap / conn', 'RSS / conn', 'external / conn', 'heap ÷ raw ws', 'heap ÷ Socket.IO'],
      rows: TARGETS.map((t) => [
        LABEL[t], bytes(heap(t)), bytes(per(t, 'rss')), bytes(per(t, 'external')), times(ratio(heap(t), heap('ws'))), times(ratio(heap(t), heap('socketio'))),
      ]),
    },
    notes: [
      `**pagebound heap per connected live page: ${times(ratio(heap('pagebound'), heap('ws')))} raw ws, ${times(ratio(heap('pagebound'), heap('socketio')))} Socket.IO** ` +
        `(${bytes(heap('pagebound'))} vs ${bytes(heap('ws'))} and ${bytes(heap('socketio'))}).`,
      `${int(n)} connected pages: ${bytes(results.pagebound.after.heapUsed - results.pagebound.before.heapUsed)} of heap in pagebound.`,
    ],
  }];
}
