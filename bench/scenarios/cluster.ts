/**
 * Scenario 6 — the balancer's cost: live-page events per second through haproxy (running the shipped
 * deploy/haproxy.cfg, routing every WebSocket to the node named in its page id) with two nodes
 * behind it, ÷ one node reached directly, with the same load generator: the same number of
 * connections, each sending pipelined bursts of events and waiting for every reply.
 *
 * On a 2-core machine the load generator, haproxy and the nodes share the cores, so the second node
 * adds little capacity while haproxy adds a hop and its own CPU: the ratio shows the price of the
 * hop, and haproxy's CPU per event is reported on its own (read from /proc).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServers, type ChildServer } from '../lib/child-server.js';
import { interleave, medianOf, pairedRatio } from '../lib/rounds.js';
import { fixed, int, timesRange } from '../lib/format.js';
import { PageboundClient, renderLivePage } from '../clients/pagebound.js';
import { haproxyConfig } from '../../src/haproxy-config.js';
import { freePort, waitListening } from '../../src/ports.js';

const TARGETS = ['haproxy', 'direct'] as const;
type Target = (typeof TARGETS)[number];
const LABEL: Record<Target, string> = {
  haproxy: 'haproxy → 2 nodes',
  direct: '1 node, direct',
};

/** CPU time (user + system) of a process so far, µs, from /proc (Linux). */
function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
}

async function startHaproxy(nodes: ChildServer[]): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  const config = haproxyConfig({ bind: `127.0.0.1:${port}`, nodes: nodes.map((n, i) => ({ name: 'ab'[i]!, address: `127.0.0.1:${n.port}` })) })
    // The bench measures routing, not logging: one log line per request would be most of haproxy's work.
    .replace(/^(\s*)log global$/m, '$1no log')
    .replace(/^\s*option httplog\n/m, '');
  writeFileSync(file, config);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => {});
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  if (!child.pid || !(await waitListening(port, 10_000))) {
    await stop();
    throw new Error('haproxy did not start (is it installed? apt-get install -y haproxy)');
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}

export async function clusterScenario(cfg: BenchConfig): Promise<Section[]> {
  const connections = cfg.quick ? 4 : 8;
  const perBurst = cfg.quick ? 250 : 2_000;
  // Twice the usual rounds: each is short, and this scenario has more processes contending.
  const rounds = cfg.rounds * 2;
  // A pipelined burst fills the mailbox before the first handler runs (see scenario 3).
  const servers = await startServers([['pagebound.ts', { nodeId: 'a', maxMailbox: perBurst + 1 }], ['pagebound.ts', { nodeId: 'b', maxMailbox: perBurst + 1 }]]);
  const [a, b] = servers as [ChildServer, ChildServer];
  let haproxy: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  const clients: PageboundClient[] = [];
  try {
    haproxy = await startHaproxy([a, b]);
    const timeoutMs = cfg.quick ? 20_000 : 60_000;
    const open = async (base: string) => {
      const c = await PageboundClient.connect(base, await renderLivePage(base, '/live'));
      clients.push(c);
      return c;
    };
    const via: Record<Target, PageboundClient[]> = {
      // Rendered through haproxy: leastconn spreads the pages over both nodes, and each WebSocket
      // is routed back to the node its page id names.
      haproxy: await Promise.all(Array.from({ length: connections }, () => open(haproxy!.url))),
      direct: await Promise.all(Array.from({ length: connections }, () => open(a.url))),
    };
    const burstAll = async (t: Target) => {
      const start = performance.now();
      await Promise.all(via[t].map((c) => c.burst(perBurst, timeoutMs)));
      return (connections * perBurst) / ((performance.now() - start) / 1000);
    };
    for (const t of TARGETS) await burstAll(t);

    const nodeCpu = async () => (await a.cpuMicros()) + (await b.cpuMicros());
    const results = await interleave(TARGETS, rounds, async (t) => {
      const n0 = await nodeCpu();
      const h0 = procCpuMicros(haproxy!.pid);
      const perSecond = await burstAll(t);
      const events = connections * perBurst;
      return { perSecond, nodeCpu: ((await nodeCpu()) - n0) / events, haproxyCpu: (procCpuMicros(haproxy!.pid) - h0) / events };
    });

    const eps = (t: Target) => medianOf(results.get(t)!, (r) => r.perSecond);
    const vs = pairedRatio(results, 'haproxy', 'direct', (r) => r.perSecond);
    const hCpu = medianOf(results.get('haproxy')!, (r) => r.haproxyCpu);
    const directCpu = medianOf(results.get('direct')!, (r) => r.nodeCpu);
    return [{
      title: '6. Through the balancer',
      metrics: [
        // No goal: on 2 shared cores a second node cannot add capacity, so the row reports the hop's price.
        { name: 'events/s through haproxy and 2 nodes', unit: 'events/s', value: eps('haproxy'), peer: 'one node reached directly, same load generator', peerValue: eps('direct'), ratio: vs.median, better: 'higher' },
        { name: 'haproxy CPU per event', unit: 'µs', value: hCpu, peer: 'node CPU per event, direct', peerValue: directCpu, ratio: hCpu / directCpu, better: 'lower' },
      ],
      method: `${connections} WebSocket connections to live pages, each sending bursts of ${int(perBurst)} events and waiting for every reply; ` +
        `${rounds} interleaved rounds, medians. "haproxy → 2 nodes" runs deploy/haproxy.cfg (access log off) in front of two pagebound nodes; ` +
        '"1 node, direct" sends the same load to one node. haproxy CPU from /proc (10 ms ticks).',
      table: {
        headers: ['target', 'events/s', 'node CPU µs/event', 'haproxy CPU µs/event', 'events/s ÷ direct (range)'],
        rows: TARGETS.map((t) => [
          LABEL[t], int(eps(t)), fixed(medianOf(results.get(t)!, (r) => r.nodeCpu), 1),
          t === 'haproxy' ? fixed(hCpu, 1) : '—', t === 'haproxy' ? timesRange(vs) : '1.00×',
        ]),
      },
      notes: [
        `**Events/s through haproxy and 2 nodes ÷ one node direct: ${timesRange(vs)}**, with ${os.cpus().length} cores shared by the load generator, haproxy and both nodes.`,
        `haproxy spends ${fixed(hCpu, 1)} µs of CPU per event (its share of the frames both ways), ${fixed((100 * hCpu) / directCpu, 0)} % of what a node spends on it (${fixed(directCpu, 1)} µs). ` +
          (vs.median < 0.9
            ? 'With every core already busy a second node adds no capacity, so the hop shows as lost throughput; with a core per process it would add throughput instead.'
            : vs.median <= 1.1
              ? 'About even: on these shared cores the second node\'s capacity pays for the hop and no more.'
              : 'The second node more than pays for the hop.'),
      ],
    }];
  } finally {
    for (const c of clients) c.close();
    await haproxy?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}
