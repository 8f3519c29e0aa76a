/**
 * A seconds-long run of the benchmark harness (BENCH_SMOKE=1), so a change that breaks `npm run bench`
 * fails here, not on the day someone wants figures. It checks the shape of what the bench writes,
 * never the figures: speed is not asserted in tests.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';

describe('npm run bench (smoke)', () => {
  it('runs the round-trip, many-pages and redraw scenarios and writes latest.json rows with peers and goals', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-bench-'));
    const out = path.join(dir, 'latest.json');
    try {
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
          cwd: REPO,
          env: { ...process.env, BENCH_SMOKE: '1', BENCH_ONLY: 'roundtrip,many,redraw', BENCH_OUT: out },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let log = '';
        child.stdout.on('data', (d) => (log += d));
        child.stderr.on('data', (d) => (log += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
        child.on('exit', (c) => { clearTimeout(timer); if (c !== 0) console.error(log); resolve(c); });
      });
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(json).toMatchObject({ machine: expect.any(String), node: process.version, date: expect.any(String) });
      const names = json.rows.map((r: { name: string; peer: string }) => `${r.name} ÷ ${r.peer}`);
      expect(names).toEqual(expect.arrayContaining([
        'event round trip p99 ÷ raw ws echo p99',
        'event round trip p99 ÷ Socket.IO emit + ack p99',
        expect.stringMatching(/^RSS per connected live page, 20 open/),
        expect.stringMatching(/^event round trip p99 on random pages, 20 open/),
        'redraw bytes (1 of 100 rows) ÷ full page HTML',
      ]));
      for (const row of json.rows) {
        expect(row).toMatchObject({ unit: expect.any(String), better: expect.stringMatching(/^(higher|lower)$/) });
        expect(Number.isFinite(row.value) && Number.isFinite(row.peerValue)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
