/**
 * `pagebound cluster --workers N`: one machine, many cores, with the parts a multi-machine deploy
 * uses — redis-server (unless PAGEBOUND_REDIS_URL names one), N `pagebound start` nodes named a, b,
 * c… on ports 3001…, and haproxy running deploy/haproxy.cfg generated for them — in the
 * foreground, with one log whose lines are prefixed by their process.
 *
 * They stop together: on SIGINT/SIGTERM the nodes drain first (haproxy still running, so it sees
 * their health turn 503), then haproxy and redis stop. If any of them dies, the rest are stopped
 * and the command exits 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { haproxyConfig } from './haproxy-config.js';
import { PB_ERR_CONFIG } from './errors.js';
import { freePort, isFree, waitListening } from './ports.js';

const BIN = fileURLToPath(new URL('../bin/pagebound.mjs', import.meta.url));

export interface ClusterOptions {
  workers: number;
  /** Where haproxy listens. Default 8080. */
  port: number;
  /** First node's port; node i listens on nodePort + i. Default 3001. */
  nodePort: number;
  pagesDir: string;
  publicDir: string;
}

/** Node names: a…z, then n27, n28… — all valid `[a-z0-9]{1,16}` node ids. */
export const nodeName = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : `n${i + 1}`);

interface Proc {
  name: string;
  child: ChildProcess;
  /** Set once we asked it to stop, so its exit is not a failure. */
  stopping: boolean;
  exited: Promise<void>;
}

export async function runCluster(opts: ClusterOptions): Promise<number> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > 64) {
    throw new PB_ERR_CONFIG('--workers must be a whole number from 1 to 64');
  }
  const procs: Proc[] = [];
  const width = Math.max(7, nodeName(opts.workers - 1).length);
  const say = (name: string, line: string) => process.stdout.write(`${name.padEnd(width)} | ${line}\n`);
  let finished: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finished = resolve));
  let stopping = false;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pagebound-cluster-'));

  /** Starts a child in its own process group (so a Ctrl-C reaches only us, and we stop it in order). */
  const start = (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, ready?: RegExp): Promise<Proc> => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const proc: Proc = { name, child, stopping: false, exited: new Promise((r) => child.once('close', () => r())) };
    procs.push(proc);
    if (child.pid) say('cluster', `${name} is pid ${child.pid}`);
    let readyResolve: () => void = () => {};
    const isReady = new Promise<void>((r) => (readyResolve = r));
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.on('data', (d: Buffer) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          say(name, line);
          if (ready?.test(line)) readyResolve();
        }
      });
    }
    child.once('error', (err) => {
      say(name, `could not start ${cmd}: ${err.message}${cmd === 'pagebound' ? '' : ` (install it: apt-get install -y ${cmd})`}`);
    });
    child.once('close', (code, signal) => {
      if (!proc.stopping && !stopping) {
        say('cluster', `${name} exited (${signal ?? code}): stopping the others`);
        void stopAll(1);
      }
    });
    if (!ready) readyResolve();
    return Promise.race([isReady, proc.exited.then(() => { throw new Error(`${name} exited before it was ready`); })]).then(() => proc);
  };

  const stopOne = async (proc: Proc, signal: NodeJS.Signals, ms: number) => {
    proc.stopping = true;
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), ms);
    await proc.exited;
    clearTimeout(timer);
  };

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('cluster', 'stopping: nodes drain first');
    const nodes = procs.filter((p) => p.name !== 'haproxy' && p.name !== 'redis');
    // SIGTERM drains a node (src/drain.ts), bounded by its drainTimeoutMs (10 s by default).
    await Promise.all(nodes.map((p) => stopOne(p, 'SIGTERM', 15_000)));
    await Promise.all(procs.filter((p) => !nodes.includes(p)).map((p) => stopOne(p, 'SIGTERM', 5_000)));
    rmSync(tmp, { recursive: true, force: true });
    finished(code);
  };

  const onSignal = () => void stopAll(0);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Whatever ends this process, no child outlives it.
  process.once('exit', () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });

  try {
    let redisUrl = process.env.PAGEBOUND_REDIS_URL;
    if (!redisUrl) {
      const port = await freePort();
      await start('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {}, /Ready to accept connections/);
      redisUrl = `redis://127.0.0.1:${port}`;
    }
    let secret = process.env.PAGEBOUND_SECRET;
    if (!secret) {
      secret = randomBytes(24).toString('hex');
      say('cluster', 'PAGEBOUND_SECRET is not set: the nodes share a random one, so sessions end when the cluster stops');
    }
    const nodes = Array.from({ length: opts.workers }, (_, i) => ({ name: nodeName(i), port: opts.nodePort + i }));
    for (const port of [opts.port, ...nodes.map((n) => n.port)]) {
      if (!(await isFree(port))) throw new PB_ERR_CONFIG(`port ${port} is in use; pick others with --port and --node-port`);
    }
    await Promise.all(nodes.map((n) => start(n.name, process.execPath, [BIN, 'start', '--pages', opts.pagesDir, '--public', opts.publicDir], {
      PAGEBOUND_NODE_ID: n.name,
      PAGEBOUND_REDIS_URL: redisUrl,
      PAGEBOUND_SECRET: secret,
      PORT: String(n.port),
      HOST: '127.0.0.1',
    }, /pagebound start: http/)));
    const cfg = path.join(tmp, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig({ bind: `:${opts.port}`, nodes: nodes.map((n) => ({ name: n.name, address: `127.0.0.1:${n.port}` })) }));
    await start('haproxy', 'haproxy', ['-db', '-f', cfg]);
    if (!(await waitListening(opts.port, 10_000))) throw new Error(`haproxy is not listening on ${opts.port}`);
    say('cluster', `http://localhost:${opts.port} → ${nodes.map((n) => `${n.name}:${n.port}`).join(' ')} (Ctrl-C stops all)`);
  } catch (err) {
    say('cluster', (err as Error).message);
    void stopAll(1);
  }
  return done;
}

/** `--workers N --port P --node-port Q --pages DIR --public DIR`; PORT sets haproxy's port too. */
export function parseClusterArgs(args: string[]): ClusterOptions {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (name: string, fallback: number) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new PB_ERR_CONFIG(`${name} must be a whole number`);
    return n;
  };
  return {
    workers: int('--workers', os.availableParallelism()),
    port: int('--port', Number(process.env.PORT ?? 8080)),
    nodePort: int('--node-port', 3001),
    pagesDir: value('--pages') ?? 'pages',
    publicDir: value('--public') ?? 'public',
  };
}
