/**
 * A real haproxy in front of test nodes, running the shipped deploy/haproxy.cfg with the test's own
 * ports (src/haproxy-config.ts). The generated config is checked with `haproxy -c` first. A missing
 * haproxy is a failure with the install command, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haproxyConfig, type HaproxyNode } from '../../src/haproxy-config.js';
import { freePort } from '../../src/ports.js';
import { startDaemon } from './daemon.js';

export interface TestHaproxy {
  url: string;
  config: string;
  output(): string;
  stop(): Promise<void>;
}

/** `haproxy -c` on a config text: its exit status and output. */
export function checkHaproxyConfig(config: string): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-haproxy-'));
  try {
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(file, config);
    const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    if (r.error) throw new Error(`haproxy could not run (${r.error.message}): install it, e.g. apt-get install -y haproxy`);
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHaproxy(nodes: HaproxyNode[]): Promise<TestHaproxy> {
  const port = await freePort();
  const config = haproxyConfig({ bind: `127.0.0.1:${port}`, nodes });
  const check = checkHaproxyConfig(config);
  if (check.status !== 0) throw new Error(`generated haproxy config is invalid:\n${check.output}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  // -db: stay in the foreground, logs to stdout.
  const daemon = await startDaemon('haproxy', ['-db', '-f', file], port, dir);
  return { url: `http://127.0.0.1:${port}`, config, ...daemon };
}
