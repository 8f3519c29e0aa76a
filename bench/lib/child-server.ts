/**
 * Starts a bench server in its own Node process, so the load generator and the server never share
 * an event loop (on one loop, each would slow the other and the ratios would mean little).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isReply, type MemorySample, type Reply } from './ipc.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVERS_DIR = fileURLToPath(new URL('../servers/', import.meta.url));

export interface ChildServer {
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The server's memory after a full GC, with its own counters. */
  memory(): Promise<MemorySample>;
  /** CPU time (user + system) the server process has used so far, µs. Read it before and after a run. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * `script` is a file name under bench/servers/; `args` reaches it as JSON in argv[2]. Resolves once
 * the child has printed its port.
 */
export async function startServer(script: string, args: object = {}, startTimeoutMs = 30_000): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(SERVERS_DIR, script), JSON.stringify(args)],
    {
      cwd: REPO_ROOT,
      // stderr is inherited so a crashing server explains itself in the run's output.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );

  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        const n = Number(line.trim());
        if (Number.isInteger(n) && n > 0) resolve(n);
        else reject(new Error(`${script} printed "${line}" instead of its port`));
      });
      child.once('exit', (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before listening`)));
      child.once('error', reject);
    }),
    startTimeoutMs,
    `starting ${script}`,
  ).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });

  let nextId = 1;
  const ask = <T extends Reply['type']>(type: T): Promise<Extract<Reply, { type: T }>> => {
    const id = nextId++;
    const answer = new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
      const onMessage = (msg: unknown) => {
        if (!isReply(msg) || msg.id !== id) return;
        child.off('message', onMessage);
        resolve(msg as Extract<Reply, { type: T }>);
      };
      child.on('message', onMessage);
      child.send({ type, id }, (err) => { if (err) reject(err); });
    });
    return withTimeout(answer, 15_000, `${type} of ${script}`);
  };

  return {
    name: script,
    port,
    url: `http://127.0.0.1:${port}`,
    memory: async () => (await ask('memory')).sample,
    cpuMicros: async () => (await ask('cpu')).micros,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited(child);
      child.kill('SIGTERM');
      await withTimeout(done, 5_000, `stopping ${script}`).catch(() => {
        child.kill('SIGKILL');
        return exited(child);
      });
    },
  };
}

/** Starts several servers at once (each takes about a second to boot); on any failure stops the others. */
export async function startServers(specs: ReadonlyArray<readonly [script: string, args?: object]>): Promise<ChildServer[]> {
  const started = await Promise.allSettled(specs.map(([script, args]) => startServer(script, args)));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (failure) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failure.reason;
  }
  return servers;
}
