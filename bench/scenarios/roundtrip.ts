/**
 * Scenario 3 — event round trip: one client sends an event and waits for its reply, over
 * pagebound's WebSocket (`ev` → `re`, through the page's mailbox and handler), a raw `ws` JSON echo
 * (the floor) and Socket.IO emit-with-ack (the usual alternative). Then the pipelined variant: a
 * burst sent without waiting, timed until the last reply.
 */
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServer, startServers, type ChildServer } from '../lib/child-server.js';
import { interleave, medianOf, pairedRatio } from '../lib/rounds.js';
import { summarize } from '../lib/stats.js';
import { fixed, int, times, timesRange } from '../lib/format.js';
import type { RpcClient } from '../clients/rpc.js';
import { PageboundClient, renderLivePage } from '../clients/pagebound.js';
import { withServerCpu } from '../lib/server-cpu.js';
import { RawWsClient } from '../clients/raw-ws.js';
import { SocketIoClient } from '../clients/socketio.js';

const TARGETS = ['pagebound', 'ws', 'socketio'] as const;
type Target = (typeof TARGETS)[number];
const LABEL: Record<Target, string> = {
  pagebound: 'pagebound (`ev` → `re`)',
  ws: 'raw `ws` JSON echo',
  socketio: 'Socket.IO emit + ack',
};

interface Sequential { perSecond: number; micros: Float64Array }

/** `n` round trips one after another; every one timed. Bounded by `timeoutMs` overall. */
async function sequential(client: RpcClient, n: number, timeoutMs: number): Promise<Sequential> {
  const micros = new Float64Array(n);
  const stopAt = performance.now() + timeoutMs;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await client.call();
    const t1 = performance.now();
    micros[i] = (t1 - t0) * 1000;
    if (t1 > stopAt) throw new Error(`round trips: only ${i + 1} of ${n} within ${timeoutMs} ms`);
  }
  return { perSecond: n / ((performance.now() - start) / 1000), micros };
}

async function burst(client: RpcClient, n: number, timeoutMs: number): Promise<number> {
  const start = performance.now();
  await client.burst(n, timeoutMs);
  return n / ((performance.now() - start) / 1000);
}

/** Whether pagebound at its default `maxMailbox` takes the burst, or refuses it with close 4429. */
async function defaultMailboxProbe(n: number): Promise<string> {
  const pb = await startServer('pagebound.ts');
  try {
    const client = await PageboundClient.connect(pb.url, await renderLivePage(pb.url, '/live'));
    try {
      await client.call();
      await client.burst(n, 30_000);
      return `With the default \`maxMailbox\` (1,000) the ${int(n)}-event burst also went through.`;
    } catch (err) {
      return `With the default \`maxMailbox\` (1,000) the same ${int(n)}-event burst is refused (${(err as Error).message}): ` +
        'the server reads many frames per socket read and posts them all to the mailbox before the first handler runs, ' +
        'so a burst fills it even though `ping` is synchronous. The rows above use `maxMailbox` raised to fit the burst.';
    } finally {
      client.close();
    }
  } finally {
    await pb.stop();
  }
}

export async function roundTripScenario(cfg: BenchConfig): Promise<Section[]> {
  const servers = await startServers([['pagebound.ts', { maxMailbox: cfg.pipelined + 1 }], ['ws-echo.ts'], ['socketio.ts']]);
  const [pb, ws, sio] = servers as [ChildServer, ChildServer, ChildServer];
  const clients: RpcClient[] = [];
  try {
    const server: Record<Target, ChildServer> = { pagebound: pb, ws, socketio: sio };
    // Connected one by one and kept in `clients` at once, so a failure part-way still closes the others.
    const connect = async (c: Promise<RpcClient>) => { const opened = await c; clients.push(opened); return opened; };
    const client: Record<Target, RpcClient> = {
      pagebound: await connect(renderLivePage(pb.url, '/live').then((page) => PageboundClient.connect(pb.url, page))),
      ws: await connect(RawWsClient.connect(ws.url)),
      socketio: await connect(SocketIoClient.connect(sio.url)),
    };

    const timeoutMs = cfg.quick ? 20_000 : 60_000;
    for (const t of TARGETS) await sequential(client[t], cfg.roundTripWarmup, timeoutMs);
    const seq = await interleave(TARGETS, cfg.rounds, (t) => withServerCpu(server[t], () => sequential(client[t], cfg.roundTrips, timeoutMs)));
    // A short warm-up burst first: the first one pays for JIT and socket buffer growth.
    for (const t of TARGETS) await burst(client[t], Math.min(1_000, cfg.pipelined), timeoutMs);
    const piped = await interleave(TARGETS, cfg.rounds, async (t) => withServerCpu(server[t], async () => ({ perSecond: await burst(client[t], cfg.pipelined, timeoutMs) })));
    for (const c of clients.splice(0)) c.close();
    const probe = await defaultMailboxProbe(cfg.pipelined);

    const rts = (t: Target) => medianOf(seq.get(t)!, (r) => r.perSecond);
    const latency = (t: Target) => {
      const all = seq.get(t)!.map((r) => r.micros);
      const merged = new Float64Array(all.reduce((n, a) => n + a.length, 0));
      let at = 0;
      for (const a of all) { merged.set(a, at); at += a.length; }
      return summarize(merged);
    };
    const eps = (t: Target) => medianOf(piped.get(t)!, (r) => r.perSecond);
    const seqVs = (t: Target, peer: Target) => pairedRatio(seq, t, peer, (r) => r.perSecond);
    const pipedVs = (t: Target, peer: Target) => pairedRatio(piped, t, peer, (r) => r.perSecond);
    const seqCpu = (t: Target) => medianOf(seq.get(t)!, (r) => r.cpuMicros / cfg.roundTrips);
    const pipedCpu = (t: Target) => medianOf(piped.get(t)!, (r) => r.cpuMicros / cfg.pipelined);

    const p99 = (t: Target) => latency(t).p99;
    const sequentialSection: Section = {
      title: '3a. Event round trip, sequential',
      metrics: [
        { name: 'event round trip p99', unit: 'µs', value: p99('pagebound'), peer: 'raw ws echo p99', peerValue: p99('ws'), ratio: p99('pagebound') / p99('ws'), goal: 1.2, better: 'lower' },
        { name: 'event round trip p99', unit: 'µs', value: p99('pagebound'), peer: 'Socket.IO emit + ack p99', peerValue: p99('socketio'), ratio: p99('pagebound') / p99('socketio'), goal: 0.8, better: 'lower' },
        { name: 'round trips/s, sequential', unit: '1/s', value: rts('pagebound'), peer: 'raw ws echo', peerValue: rts('ws'), ratio: seqVs('pagebound', 'ws').median, better: 'higher' },
      ],
      method: `One connection per server, one event in flight: ${cfg.rounds} interleaved rounds of ${int(cfg.roundTrips)} round trips per server, after ${int(cfg.roundTripWarmup)} unmeasured; ratios are medians of per-round ratios. ` +
        'Each is timed with performance.now() from send to reply; p50/p99 over all measured round trips. The pagebound client acks server frames every 50 ms as the browser runtime does.',
      table: {
        headers: ['server', 'round trips/s', 'p50 µs', 'p99 µs', 'server CPU µs/event', 'round trips/s ÷ raw ws (range)', '÷ Socket.IO (range)'],
        rows: TARGETS.map((t) => {
          const l = latency(t);
          return [LABEL[t], int(rts(t)), int(l.p50), int(l.p99), int(seqCpu(t)), timesRange(seqVs(t, 'ws')), timesRange(seqVs(t, 'socketio'))];
        }),
      },
      notes: [
        `**pagebound round trips/s: ${times(seqVs('pagebound', 'ws').median)} of raw ws, ${times(seqVs('pagebound', 'socketio').median)} of Socket.IO.**`,
        `p50 latency added over raw ws: ${fixed(latency('pagebound').p50 - latency('ws').p50, 0)} µs. ` +
          `Server CPU per event: ${times(seqCpu('pagebound') / seqCpu('ws'))} raw ws, ${times(seqCpu('pagebound') / seqCpu('socketio'))} Socket.IO.`,
      ],
    };
    const pipelinedSection: Section = {
      title: '3b. Event round trip, pipelined',
      method: `${int(cfg.pipelined)} events sent back to back on one connection, timed until the last reply arrives; ${cfg.rounds} interleaved rounds, medians.`,
      table: {
        headers: ['server', 'events/s', 'server CPU µs/event', 'events/s ÷ raw ws (range)', '÷ Socket.IO (range)'],
        rows: TARGETS.map((t) => [LABEL[t], int(eps(t)), fixed(pipedCpu(t), 1), timesRange(pipedVs(t, 'ws')), timesRange(pipedVs(t, 'socketio'))]),
      },
      notes: [
        `**pagebound pipelined events/s: ${times(pipedVs('pagebound', 'ws').median)} of raw ws, ${times(pipedVs('pagebound', 'socketio').median)} of Socket.IO; ` +
          `server CPU per event ${times(pipedCpu('pagebound') / pipedCpu('ws'))} and ${times(pipedCpu('pagebound') / pipedCpu('socketio'))}.**`,
        probe,
      ],
    };
    return [sequentialSection, pipelinedSection];
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}
