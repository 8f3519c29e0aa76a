/**
 * Scenario 1 — render throughput: what pagebound costs per request on a page that is not live,
 * against bare Fastify rendering the same Eta template, layout and data.
 */
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServers, type ChildServer } from '../lib/child-server.js';
import { expectPage, httpLoad, type LoadResult } from '../lib/http-load.js';
import { interleave, medianOf, pairedRatio } from '../lib/rounds.js';
import { int, times, timesRange } from '../lib/format.js';
import { latencyCells } from '../lib/latency-cells.js';
import { withServerCpu } from '../lib/server-cpu.js';

const MARKERS = ['id="items"', 'data-id="20"', 'id="footer"', 'Item &lt;1&gt; &amp;'];

export async function renderScenario(cfg: BenchConfig): Promise<Section[]> {
  const [bare, pb] = (await startServers([['bare-fastify.ts'], ['pagebound.ts']])) as [ChildServer, ChildServer];
  try {
    const bareRes = await expectPage(`${bare.url}/static`, MARKERS);
    const pbRes = await expectPage(`${pb.url}/static`, MARKERS);
    // A non-live page sets no cookie (it keeps no instance); a live page hands one out.
    if (pbRes.headers.get('set-cookie')) throw new Error('a non-live page set a cookie; it should stay cacheable');
    const cookie = (await fetch(`${pb.url}/live`)).headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error('pagebound set no session cookie on a live page; the "returning visitor" row needs one');
    const bareBody = bareRes.html;
    const pbBody = pbRes.html;
    const inlineBody = (await expectPage(`${pb.url}/inline`, MARKERS, { cookie })).html;
    if (pbBody.includes('pb-boot')) throw new Error('/static rendered as a live page; the scenario needs a non-live one');

    // The rows, in the order they take turns. Everything but `bare` is the same pagebound process.
    const targets = {
      bare: { label: 'bare Fastify + Eta', url: `${bare.url}/static`, headers: {} },
      first: { label: 'pagebound, first visit (no cookie)', url: `${pb.url}/static`, headers: {} },
      returning: { label: 'pagebound, returning visitor (session cookie)', url: `${pb.url}/static`, headers: { cookie } },
      inline: { label: 'pagebound, same template as `inline:` (cookie)', url: `${pb.url}/inline`, headers: { cookie } },
    } as const;
    type Target = keyof typeof targets;
    const order = Object.keys(targets) as Target[];

    // JIT and Eta's template cache warm up before anything is measured.
    for (const t of order) await httpLoad(targets[t].url, { connections: cfg.connections, seconds: cfg.warmupSeconds, headers: targets[t].headers });
    const server = (t: Target) => (t === 'bare' ? bare : pb);
    const results = await interleave(order, cfg.rounds, (t) => withServerCpu(server(t), () =>
      httpLoad(targets[t].url, { connections: cfg.connections, seconds: cfg.httpSeconds, headers: targets[t].headers })));

    type Run = LoadResult & { cpuMicros: number };
    const cpuPerReq = (r: Run) => r.cpuMicros / r.requests;
    const rps = (t: Target) => medianOf(results.get(t)!, (r: Run) => r.rps);
    const vs = (t: Target, peer: Target) => pairedRatio(results, t, peer, (r) => r.rps);
    const costVs = (t: Target, peer: Target) => pairedRatio(results, t, peer, cpuPerReq);
    const rows = order.map((t) => [
      targets[t].label,
      int(rps(t)),
      ...latencyCells(results.get(t)!),
      int(medianOf(results.get(t)!, cpuPerReq)),
      timesRange(vs(t, 'bare')),
      timesRange(costVs(t, 'bare')),
    ]);

    const notes = [
      `**pagebound ÷ bare Fastify: req/s ${times(vs('first', 'bare').median)} first visit, ${times(vs('returning', 'bare').median)} returning visitor; ` +
        `server CPU per request ${times(costVs('first', 'bare').median)} and ${times(costVs('returning', 'bare').median)}.**`,
      `\`inline:\` template vs template file, same page and cookie: req/s ${timesRange(vs('inline', 'returning'))}, CPU per request ${timesRange(costVs('inline', 'returning'))}.`,
    ];
    if (bareBody !== pbBody || inlineBody !== pbBody) {
      notes.push(`Bodies differ: bare ${bareBody.length} B, pagebound ${pbBody.length} B, inline ${inlineBody.length} B.`);
    } else {
      notes.push(`All rows serve the same ${bareBody.length}-byte body; pagebound adds its headers (session cookie on a first visit, CSP).`);
    }
    const metrics = [
      {
        name: 'static page render req/s, first visit', unit: 'req/s', value: rps('first'),
        peer: 'bare Fastify + Eta, same template', peerValue: rps('bare'), ratio: vs('first', 'bare').median, goal: 0.9, better: 'higher' as const,
      },
      {
        name: 'static page render req/s, returning visitor', unit: 'req/s', value: rps('returning'),
        peer: 'bare Fastify + Eta, same template', peerValue: rps('bare'), ratio: vs('returning', 'bare').median, goal: 0.9, better: 'higher' as const,
      },
    ];
    return [{
      metrics,
      title: '1. Render throughput (non-live page)',
      method: `autocannon, ${cfg.connections} connections, ${cfg.rounds} interleaved rounds of ${cfg.httpSeconds} s per row after a ${cfg.warmupSeconds} s warm-up per row; ` +
        'figures are medians over rounds, ratios the median of per-round ratios (range in brackets). ' +
        'Server CPU is user + system time of the server process over the run ÷ requests answered: on a shared machine it moves less than req/s. ' +
        'Each server runs in its own process; pagebound is `createServer({ dev: false, logger: false })` serving `bench/pages/static.page.ts` (20-item list in a layout with a partial).',
      table: { headers: ['server', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'req/s ÷ bare (range)', 'CPU/req ÷ bare (range)'], rows },
      notes,
    }];
  } finally {
    await Promise.all([bare.stop(), pb.stop()]);
  }
}
