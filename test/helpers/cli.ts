/**
 * Runs the real `pagebound` CLI (or another server entry) in a child process on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO } from './temp-pages.js';

export interface CliServer { url: string; output: () => string; stop(): Promise<void>; child: ChildProcess }

export function startCli(
  command: 'dev' | 'start', pagesDir: string | undefined, env: Record<string, string> = {}, args: string[] = [],
): Promise<CliServer> {
  const pages = pagesDir === undefined ? [] : ['--pages', pagesDir];
  return startProcess([path.join(REPO, 'bin/pagebound.mjs'), command, ...pages, ...args], env);
}

/** Runs `node <argv>` and resolves once it prints `pagebound dev|start: <url>`. */
export function startProcess(argv: string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(process.execPath, argv, {
    cwd: REPO,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`CLI did not start:\n${out}`)); }, 20_000);
    child.stdout.on('data', () => {
      const m = /pagebound (?:dev|start): (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1]!.replace('localhost', '127.0.0.1'), output: () => out, stop, child }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`CLI exited ${code}:\n${out}`)); });
  });
}
