/**
 * A real pagebound cluster for tests: redis-server, N `pagebound start` processes with node names
 * and fixed ports, and haproxy with the shipped config generated for them (test/helpers/haproxy.ts).
 */
import { startCli, type CliServer } from './cli.js';
import { startHaproxy, type TestHaproxy } from './haproxy.js';
import { startRedis, type TestRedis } from './redis.js';
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
  stop(): Promise<void>;
}

export const CLUSTER_SECRET = 'scale-test-secret-0123456789abcdef';

export async function startCluster(pagesDir: string, names = ['a', 'b', 'c']): Promise<TestCluster> {
  const redis = await startRedis();
  const ports = await freePorts(names.length);
  const started = await Promise.allSettled(names.map((name, i) => startCli('start', pagesDir, {
    PORT: String(ports[i]),
    PAGEBOUND_NODE_ID: name,
    PAGEBOUND_REDIS_URL: redis.url,
    PAGEBOUND_SECRET: CLUSTER_SECRET,
  })));
  const nodes = new Map<string, TestNode>();
  started.forEach((r, i) => {
    if (r.status !== 'fulfilled') return;
    const cli = r.value;
    const exited = new Promise<number | string>((resolve) => {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) resolve(cli.child.exitCode ?? cli.child.signalCode!);
      cli.child.once('exit', (code, signal) => resolve(code ?? signal!));
    });
    nodes.set(names[i]!, { name: names[i]!, port: ports[i]!, url: cli.url, cli, exited });
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
    async stop() {
      await haproxy.stop();
      await kill();
      await redis.stop();
    },
  };
}
