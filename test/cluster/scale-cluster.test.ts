/**
 * `pagebound cluster` as a user runs it: redis-server, two nodes and haproxy from one command, one
 * prefixed log; pages served through haproxy by both nodes; SIGTERM stops everything (nodes
 * draining first) and exits 0; a node that dies takes the others down and the command exits 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, fixture } from '../helpers/temp-pages.js';
import { freePort, isFree } from '../../src/ports.js';

const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
});

/** A base port with `n` free ports from it. */
async function freeRun(n: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + n > 65535) continue;
    let ok = true;
    for (let i = 1; i < n && ok; i++) ok = await isFree(base + i);
    if (ok) return base;
  }
}

async function startClusterCli() {
  const port = await freePort();
  const nodePort = await freeRun(2);
  const child = spawn(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'cluster', '--workers', '2', '--port', String(port),
    '--node-port', String(nodePort), '--pages', fixture('scale')], { cwd: REPO, env: { ...process.env, PAGEBOUND_REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes(`http://localhost:${port} →`)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`cluster did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, nodePort, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

const nodeOfRender = async (url: string) => /"id":"([a-z0-9]+)\./.exec(await (await fetch(url + '/node')).text())?.[1];

describe('pagebound cluster', () => {
  it('runs redis, two nodes and haproxy in one log, serves through haproxy, and stops them all on SIGTERM', async () => {
    const c = await startClusterCli();
    const nodes = new Set([await nodeOfRender(c.url), await nodeOfRender(c.url), await nodeOfRender(c.url)]);
    expect([...nodes].sort()).toEqual(['a', 'b']);
    expect(c.output()).toMatch(/^redis +\| .*Ready to accept connections/m);
    expect(c.output()).toMatch(/^a +\| pagebound start:/m);
    expect(c.output()).toMatch(/^haproxy +\| .*"GET \/node HTTP\/1\.1"/m);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toMatch(/^haproxy +\| .*pagebound_nodes\/a is DOWN.*503/m);
    for (const p of [c.port, c.nodePort, c.nodePort + 1]) expect(await isFree(p)).toBe(true);
  }, 40_000);

  it('stops everything and exits 1 when one of its processes dies', async () => {
    const c = await startClusterCli();
    const nodePid = Number(/^cluster +\| a is pid (\d+)$/m.exec(c.output())?.[1]);
    expect(nodePid).toBeGreaterThan(0);
    process.kill(nodePid, 'SIGKILL');
    expect(await c.exited).toBe(1);
    expect(c.output()).toMatch(/^cluster +\| a exited \(SIGKILL\): stopping the others/m);
    for (const p of [c.port, c.nodePort + 1]) expect(await isFree(p)).toBe(true);
  }, 40_000);
});
