/**
 * `npm run bench`: runs the benchmark scenarios, prints each result as it completes, and writes
 * the whole report to bench/results/<date>-<hostname>.md. See docs/benchmarks.md.
 *
 * Speed and memory are measured here and never in tests. The machine is shared and noisy, so no
 * absolute figure is meaningful alone: every scenario measures a peer in the same run and reports
 * ratios.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type BenchConfig, type ScenarioName } from './lib/config.js';
import { machineFacts } from './lib/machine.js';
import { REPO_ROOT } from './lib/child-server.js';
import { machineSection, renderFailure, renderSection, type Section } from './lib/report.js';
import { renderScenario } from './scenarios/render.js';
import { liveRenderScenario } from './scenarios/live-render.js';
import { roundTripScenario } from './scenarios/roundtrip.js';
import { idleScenario } from './scenarios/idle.js';
import { manyScenario } from './scenarios/many.js';
import { meetsGoal, type MetricRow } from './lib/report.js';
import { clusterScenario } from './scenarios/cluster.js';
import { durableScenario } from './scenarios/durable.js';
import { redrawScenario } from './scenarios/redraw.js';

const scenarios: Array<{ name: ScenarioName; title: string; run: (cfg: BenchConfig) => Promise<Section[]> }> = [
  { name: 'render', title: '1. Render throughput', run: renderScenario },
  { name: 'live', title: '2. Live page render cost', run: liveRenderScenario },
  { name: 'roundtrip', title: '3. Event round trip', run: roundTripScenario },
  { name: 'idle', title: '4. Idle connections memory', run: idleScenario },
  { name: 'many', title: '5. Many pages in one process', run: manyScenario },
  { name: 'cluster', title: '6. Through the balancer', run: clusterScenario },
  { name: 'durable', title: '7. Durable pages', run: durableScenario },
  { name: 'redraw', title: '8. Bytes per redraw', run: redrawScenario },
];

const cfg = loadConfig();
const started = Date.now();

// Every loop below is bounded on its own; this is the backstop should one of them not be.
const limitMs = cfg.quick ? 180_000 : 600_000;
setTimeout(() => {
  console.error(`bench: still running after ${limitMs / 1000} s, giving up`);
  process.exit(2);
}, limitMs).unref();

const facts = machineFacts(REPO_ROOT);
const mode = cfg.quick ? 'quick (BENCH_QUICK=1): smoke run, figures too short to quote' : 'full';
const parts: string[] = [
  '# pagebound benchmarks',
  machineSection(facts, mode),
  'Figures are medians over interleaved rounds on a shared machine: compare the ratios, which set each target against a peer measured in the same run, not absolute numbers across runs.',
];
console.log(parts.join('\n\n') + '\n');

let failed = 0;
const rows: MetricRow[] = [];
for (const scenario of scenarios) {
  if (!cfg.only.has(scenario.name)) continue;
  let text: string;
  const t0 = Date.now();
  try {
    const sections = await scenario.run(cfg);
    for (const s of sections) rows.push(...(s.metrics ?? []));
    text = sections.map(renderSection).join('\n\n');
  } catch (err) {
    failed++;
    text = renderFailure(scenario.title, err);
    if (err instanceof Error && err.stack) console.error(err.stack);
  }
  parts.push(text);
  console.log(`${text}\n\n_(${scenario.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)_\n`);
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
parts.push(goalsSection(rows));
parts.push(`_Run took ${seconds} s._`);
// A smoke run gets its own name so it never overwrites the day's full results.
// BENCH_OUT (the smoke test's temp file) moves the report beside it, out of the repo.
const outDir = process.env.BENCH_OUT ? path.dirname(process.env.BENCH_OUT) : path.join(REPO_ROOT, 'bench', 'results');
const file = path.join(outDir, `${facts.date.slice(0, 10)}-${facts.hostname}${cfg.quick ? '-quick' : ''}.md`);
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, parts.join('\n\n') + '\n');
// The machine-readable summary: one row per figure with its peer and goal. A smoke or quick run
// writes beside it, never over the committed full run.
const json = process.env.BENCH_OUT ?? path.join(REPO_ROOT, 'bench', 'results', cfg.quick ? 'latest-quick.json' : 'latest.json');
writeFileSync(json, JSON.stringify({
  machine: `${facts.cpuCount} × ${facts.cpuModel}, ${Math.round(facts.totalMemory / 2 ** 30)} GiB, ${facts.hostname}`,
  node: facts.node, date: facts.date, commit: facts.commit, mode: cfg.quick ? 'quick' : 'full', rows,
}, null, 2) + '\n');
console.log(`Rows written to ${path.relative(REPO_ROOT, json)}`);
console.log(`Run took ${seconds} s. Written to ${path.relative(REPO_ROOT, file)}`);
process.exitCode = failed > 0 ? 1 : 0;

function goalsSection(rows: MetricRow[]): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const lines = rows.filter((r) => r.goal !== undefined).map((r) =>
    `| ${r.name} ÷ ${r.peer} | ${fmt(r.ratio)} | ${r.better === 'higher' ? '≥' : '≤'} ${fmt(r.goal!)} | ${meetsGoal(r) ? 'met' : '**not met**'} |`);
  return ['## Goals', '', '| ratio | this run | goal | |', '| --- | ---: | ---: | --- |', ...lines].join('\n');
}
