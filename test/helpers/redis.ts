/**
 * A real redis-server for a test: on a free loopback port, stopped after. By default nothing is
 * saved to disk; with `persist` it keeps an append-only file, fsynced on every write, in a scratch
 * folder, so a Redis killed with SIGKILL comes back with every write it acknowledged. It can be
 * killed and started again on the same port, as an outage. A missing redis-server is a failure with
 * the install command, never a skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

export interface RedisOptions {
  /** Keep an append-only file (`appendfsync always`), so a restart brings the data back. Default false. */
  persist?: boolean;
}

export interface TestRedis {
  port: number;
  url: string;
  /** Running now. */
  readonly up: boolean;
  /** SIGKILL: an outage as abrupt as a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty unless `persist`: nothing was saved). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function spawnRedis(port: number, dir: string | undefined): Promise<ChildProcess> {
  // Redis needs an explicit port; `--save ''` and no AOF keep it off the disk.
  const disk = dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...disk], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`redis-server did not start:\n${out}`)); }, 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not run (${err.message}): install it, e.g. apt-get install -y redis-server`));
    });
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited ${code}:\n${out}`)); });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(opts: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = opts.persist ? mkdtempSync(path.join(os.tmpdir(), 'pb-redis-')) : undefined;
  let child: ChildProcess | undefined = await spawnRedis(port, dir);
  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    child = undefined;
    if (!c) return;
    c.kill(signal);
    await exited(c);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get up() { return child !== undefined; },
    kill: () => end('SIGKILL'),
    async start() {
      if (!child) child = await spawnRedis(port, dir);
    },
    async stop() {
      await end('SIGTERM');
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
