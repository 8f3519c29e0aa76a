/**
 * A real pagebound cluster for tests: redis-server, N `pagebound start` processes with node names
 * and fixed ports, and haproxy with the shipped config generated for them (test/helpers/haproxy.ts).
 */
import { startCli, type CliServer } from './cli.js';
import { startHaproxy, type TestHaproxy } from './haproxy.js';
import { startRedis, type RedisOptions, type TestRedis } from './redis.js';
import { freePorts } from './ports.js';

export interface TestNode {
  name: string;
  port: number;
  url: string;
  cli: CliServer;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
}

export interface TestCluster {
  redis: TestRedis;
  haproxy: TestHaproxy;
  nodes: Map<string, TestNode>;
  /** Which node a page id names. */
  nodeOf(pageId: string): TestNode;
  /**
   * Starts node `name` again after its process exited — same name, port, Redis and secret, as a
   * deploy would — and resolves once haproxy has counted it up again (its log says `is UP`).
   */
  restart(name: string): Promise<TestNode>;
  stop(): Promise<void>;
}

export const CLUSTER_SECRET = 'scale-test-secret-0123456789abcdef';

export interface ClusterOptions {
  /** Node names. Default a, b, c (the shipped haproxy config's). */
  names?: string[];
  redis?: RedisOptions;
}

export async function startCluster(pagesDir: string, { names = ['a', 'b', 'c'], redis: redisOpts }: ClusterOptions = {}): Promise<TestCluster> {
  const redis = await startRedis(redisOpts);
  const ports = await freePorts(names.length);
  const env = (name: string, port: number) => ({
    PORT: String(port),
    PAGEBOUND_NODE_ID: name,
    PAGEBOUND_REDIS_URL: redis.url,
    PAGEBOUND_SECRET: CLUSTER_SECRET,
  });
  const track = (name: string, port: number, cli: CliServer): TestNode => {
    const exited = new Promise<number | string>((resolve) => {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) resolve(cli.child.exitCode ?? cli.child.signalCode!);
      cli.child.once('exit', (code, signal) => resolve(code ?? signal!));
    });
    return { name, port, url: cli.url, cli, exited };
  };
  const started = await Promise.allSettled(names.map((name, i) => startCli('start', pagesDir, env(name, ports[i]!))));
  const nodes = new Map<string, TestNode>();
  started.forEach((r, i) => {
    if (r.status === 'fulfilled') nodes.set(names[i]!, track(names[i]!, ports[i]!, r.value));
  });
  const kill = async () => {
    // SIGINT: stop at once (SIGTERM would drain, waiting on the balancer's health checks).
    await Promise.all([...nodes.values()].map(async (n) => {
      if (n.cli.child.exitCode === null && n.cli.child.signalCode === null) n.cli.child.kill('SIGINT');
      const timer = setTimeout(() => n.cli.child.kill('SIGKILL'), 5000);
      await n.exited;
      clearTimeout(timer);
    }));
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await kill();
    await redis.stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  let haproxy: TestHaproxy;
  try {
    haproxy = await startHaproxy(names.map((name, i) => ({ name, address: `127.0.0.1:${ports[i]}` })));
  } catch (err) {
    await kill();
    await redis.stop();
    throw err;
  }
  return {
    redis,
    haproxy,
    nodes,
    nodeOf(pageId) {
      const node = nodes.get(pageId.split('.')[0]!);
      if (!node) throw new Error('page id names no node of this cluster');
      return node;
    },
    async restart(name) {
      const old = nodes.get(name);
      if (!old) throw new Error(`no node ${name} in this cluster`);
      await old.exited;
      const upLine = new RegExp(`pagebound_nodes/${name} is UP`, 'g');
      const ups = () => haproxy.output().match(upLine)?.length ?? 0;
      const before = ups();
      const node = track(name, old.port, await startCli('start', pagesDir, env(name, old.port)));
      nodes.set(name, node);
      const deadline = Date.now() + 20_000;
      while (ups() === before) {
        if (Date.now() > deadline) throw new Error(`haproxy did not count node ${name} up again:\n${haproxy.output().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return node;
    },
    async stop() {
      await haproxy.stop();
      await kill();
      await redis.stop();
    },
  };
}
