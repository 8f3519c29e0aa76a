// Measures `pagebound start` in an app folder: wall time from spawn to listening, the CPU time the
// process spent until then (steadier than wall time on a busy machine), and the RSS after the
// first page is served. Run it in the app's folder, once without a build and once after one:
//   node /path/to/pagebound/scripts/measure-start.mjs [bin=node_modules/pagebound/bin/pagebound.mjs] [runs=5]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const bin = path.resolve(process.argv[2] ?? 'node_modules/pagebound/bin/pagebound.mjs');
const runs = Number(process.argv[3] ?? 5);
const TICK_MS = 10; // USER_HZ 100 on Linux
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};
const results = [];
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', PAGEBOUND_SECRET: 'measure-start-secret-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /pagebound start: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1].replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuMs(child.pid);
  await (await fetch(url)).text();
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  results.push({ ms, cpu, rss });
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`start-up ${median(results.map((r) => r.ms)).toFixed(0)} ms wall, ${median(results.map((r) => r.cpu)).toFixed(0)} ms CPU, RSS ${median(results.map((r) => r.rss)).toFixed(1)} MiB (median of ${runs})`);
