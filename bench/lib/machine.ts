/**
 * The facts that make two result files comparable (or show why they are not): every figure in a
 * report depends on the machine and the commit it ran on.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineFacts {
  date: string;
  hostname: string;
  node: string;
  os: string;
  cpuModel: string;
  cpuCount: number;
  totalMemory: number;
  commit: string;
}

function gitCommit(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // Others edit the tree while benchmarks run: say so, as HEAD alone would not describe the code measured.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'runtime-client'], { cwd, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (src/ or runtime-client/ modified)` : head;
  } catch {
    return 'unknown';
  }
}

export function machineFacts(cwd: string, now = new Date()): MachineFacts {
  const cpus = os.cpus();
  return {
    date: now.toISOString(),
    hostname: os.hostname(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemory: os.totalmem(),
    commit: gitCommit(cwd),
  };
}
