/**
 * Scenario 2 — live page render cost: the same page with and without a handler. With one, every
 * render creates a page instance that stays in memory until its client connects or
 * `connectTimeoutMs` passes. Throughput and memory are measured on separate server processes: the
 * throughput one lets instances expire after 1 s so memory stays bounded under load; the memory
 * one keeps every instance so that they can be counted.
 */
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServer, startServers, type ChildServer } from '../lib/child-server.js';
import { expectPage, httpLoad, type LoadResult } from '../lib/http-load.js';
import type { MemorySample } from '../lib/ipc.js';
import { interleave, medianOf, pairedRatio } from '../lib/rounds.js';
import { bytes, int, times, timesRange } from '../lib/format.js';
import { latencyCells } from '../lib/latency-cells.js';
import { withServerCpu } from '../lib/server-cpu.js';

const MARKERS = ['id="items"', 'id="footer"'];
// One load generator is one address: its idle (never connected) pages would be evicted past maxIdlePagesPerAddress.
const UNLIMITED = { maxInstances: 1_000_000, maxInstancesPerSession: 1_000_000, maxIdlePagesPerAddress: 1_000_000 };

/** The session cookie a live page hands out (a non-live page sets none). */
async function sessionCookie(server: ChildServer): Promise<string> {
  const { headers } = await expectPage(`${server.url}/live`, MARKERS);
  const cookie = headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('pagebound set no session cookie');
  return cookie;
}

async function throughput(cfg: BenchConfig): Promise<Section> {
  const [pb, bare] = (await startServers([['pagebound.ts', { ...UNLIMITED, connectTimeoutMs: 1_000 }], ['bare-fastify.ts']])) as [ChildServer, ChildServer];
  try {
    const cookie = await sessionCookie(pb);
    const live = await expectPage(`${pb.url}/live`, [...MARKERS, 'pb-boot'], { cookie });
    if (live.headers.get('set-cookie')) throw new Error('the live page did not accept the session cookie');
    const urls = { bare: `${bare.url}/static`, static: `${pb.url}/static`, live: `${pb.url}/live` } as const;
    const order = ['bare', 'static', 'live'] as const;
    const headers = { cookie };

    for (const t of order) await httpLoad(urls[t], { connections: cfg.connections, seconds: cfg.warmupSeconds, headers });
    const results = await interleave(order, cfg.rounds, (t) => withServerCpu(t === 'bare' ? bare : pb, () =>
      httpLoad(urls[t], { connections: cfg.connections, seconds: cfg.httpSeconds, headers })));
    const after = await pb.memory();

    type Run = LoadResult & { cpuMicros: number };
    type Target = (typeof order)[number];
    const cpuPerReq = (r: Run) => r.cpuMicros / r.requests;
    const rps = (t: Target) => medianOf(results.get(t)!, (r: Run) => r.rps);
    const vsStatic = (t: Target) => pairedRatio(results, t, 'static', (r) => r.rps);
    const costVsStatic = (t: Target) => pairedRatio(results, t, 'static', cpuPerReq);
    const label = { bare: 'bare Fastify + Eta, same template', static: 'non-live page (`static.page.ts`)', live: 'live page (`live.page.ts`, one handler)' };
    const vsBare = pairedRatio(results, 'live', 'bare', (r) => r.rps);
    return {
      title: '2a. Live page render throughput',
      metrics: [{
        name: 'live page GET req/s (creates an instance)', unit: 'req/s', value: rps('live'),
        peer: 'bare Fastify + Eta, same template', peerValue: rps('bare'), ratio: vsBare.median, goal: 0.85, better: 'higher',
      }],
      method: `Same pagebound process, same template and data, same session cookie; the live page differs by one \`on\` handler. ` +
        `autocannon, ${cfg.connections} connections, ${cfg.rounds} interleaved rounds of ${cfg.httpSeconds} s, medians and per-round ratios as in 1; ` +
        '`connectTimeoutMs: 1000` so that unconnected instances expire during the run, limits raised so none is refused.',
      table: {
        headers: ['page', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'req/s ÷ non-live (range)', 'CPU/req ÷ non-live (range)'],
        rows: order.map((t) => [
          label[t], int(rps(t)), ...latencyCells(results.get(t)!), int(medianOf(results.get(t)!, cpuPerReq)),
          timesRange(vsStatic(t)), timesRange(costVsStatic(t)),
        ]),
      },
      notes: [
        `**live ÷ bare Fastify: req/s ${times(vsBare.median)}. live ÷ non-live: req/s ${times(vsStatic('live').median)}, server CPU per request ${times(costVsStatic('live').median)}** ` +
          '(the live figure includes closing the instances that expire during the run).',
        `Server after the runs (GC'd): heap ${bytes(after.heapUsed)}, RSS ${bytes(after.rss)}: expiring instances keep memory bounded under sustained live renders.`,
      ],
    };
  } finally {
    await Promise.all([pb.stop(), bare.stop()]);
  }
}

interface Step { label: string; renders: number; before: MemorySample; after: MemorySample }

async function memory(cfg: BenchConfig): Promise<Section> {
  // Nothing expires during the measurement: every instance rendered is still there when counted.
  const pb = await startServer('pagebound.ts', { ...UNLIMITED, connectTimeoutMs: 600_000 });
  try {
    const cookie = await sessionCookie(pb);
    const headers = { cookie };
    const n = cfg.memoryRenders;
    const renderMany = (path: string) => httpLoad(`${pb.url}${path}`, { connections: cfg.connections, amount: n, headers });
    // Warm both pages as much as is measured, so one-time costs (module load, template compile, JIT
    // code and inline caches) land before the baseline instead of being spread over the renders.
    await renderMany('/static');
    await renderMany('/live');

    const steps: Step[] = [];
    for (const [label, path] of [['non-live page, then…', '/static'], ['…live page', '/live']] as const) {
      const before = await pb.memory();
      const { requests } = await renderMany(path);
      steps.push({ label, renders: requests, before, after: await pb.memory() });
    }

    const perRender = (s: Step, key: 'heapUsed' | 'rss') => (s.after[key] - s.before[key]) / s.renders;
    const instances = (s: Step) => (s.after.counters.liveInstances ?? 0) - (s.before.counters.liveInstances ?? 0);
    const [plain, live] = steps as [Step, Step];
    const perInstance = (live.after.heapUsed - live.before.heapUsed) / instances(live);
    return {
      title: '2b. Live page memory',
      method: `One fresh pagebound process with \`connectTimeoutMs: 600000\` (no instance expires). ${int(n)} renders of each page ` +
        `(autocannon, ${cfg.connections} connections, one session cookie), after as many unmeasured renders of each to warm up; ` +
        'memory is read over IPC after a full GC before and after each batch. RSS is coarse (allocator slack), heap is the figure to compare.',
      table: {
        headers: ['batch', 'renders', 'instances added', 'heap after', 'RSS after', 'heap Δ / render', 'RSS Δ / render'],
        rows: steps.map((s) => [
          s.label, int(s.renders), int(instances(s)), bytes(s.after.heapUsed), bytes(s.after.rss),
          bytes(perRender(s, 'heapUsed')), bytes(perRender(s, 'rss')),
        ]),
      },
      notes: [
        `**Heap per unconnected live instance: ${bytes(perInstance)}** (heapUsed Δ ÷ instances added), against ${bytes(perRender(plain, 'heapUsed'))} retained per non-live render.`,
        `At the default \`maxInstances\` (10,000) that is about ${bytes(perInstance * 10_000)} of heap for pages rendered but not (yet) connected.`,
      ],
    };
  } finally {
    await pb.stop();
  }
}

export async function liveRenderScenario(cfg: BenchConfig): Promise<Section[]> {
  return [await throughput(cfg), await memory(cfg)];
}
