/**
 * Runs a proxy (haproxy, nginx) in the foreground for a test: resolves once it accepts connections
 * on `port`; `stop()` ends it and removes its scratch folder.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { waitListening } from '../../src/ports.js';

export interface Daemon { output(): string; stop(): Promise<void> }

export async function startDaemon(cmd: string, args: string[], port: number, scratch: string): Promise<Daemon> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.once('error', (err) => (out += `could not run ${cmd}: ${err.message}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) child.kill('SIGTERM');
    if (child.pid) await exited;
    rmSync(scratch, { recursive: true, force: true });
  };
  if (!(await waitListening(port, 10_000))) {
    await stop();
    throw new Error(`${cmd} did not listen:\n${out}`);
  }
  return { output: () => out, stop };
}
