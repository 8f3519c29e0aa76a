/**
 * A durable page's record outlives idleness, not its node: with real redis-server and two
 * `pagebound start` nodes run with a short `durableTtlMs` (PAGEBOUND_DURABLE_TTL_MS), a page left
 * idle for several TTLs while its node lives is still claimed, state whole, on the other node once
 * its node is killed; a page whose tab is gone and whose node is killed expires one TTL later, and
 * its next hello is told the page is unknown; and a live node does not keep a page its tab left:
 * past `retainMs` the page closes and its record goes, sweeps or not.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive, WsClient } from '../helpers/live-client.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startCli, type CliServer } from '../helpers/cli.js';

const TTL_MS = 1_500;
const SECRET = 'durable-ttl-secret-0123456789abcdef';

let redis: TestRedis;
let peek: Redis;
const nodes: CliServer[] = [];

const startNode = async (name: string, env: Record<string, string> = {}) => {
  const node = await startCli('start', fixture('durable'), {
    ...env,
    PAGEBOUND_NODE_ID: name,
    PAGEBOUND_REDIS_URL: redis.url,
    PAGEBOUND_SECRET: SECRET,
    PAGEBOUND_DURABLE_TTL_MS: String(TTL_MS),
  });
  nodes.push(node);
  return node;
};
/** Stops a node with `signal` unless it is gone already (SIGINT: at once, without a drain). */
const kill = async (node: CliServer, signal: NodeJS.Signals = 'SIGKILL') => {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await gone;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The Redis key of a page's record (src/durable/redis-store.ts): a digest, never the id. */
const recordKey = (id: string) => `pagebound:page:{${createHash('sha256').update(id).digest('base64url')}}`;

/** A WebSocket hello for `id` on `base`; resolves once it is welcomed, expired or refused. */
async function hello(base: string, id: string, cookie: string, ack = 0): Promise<WsClient> {
  const c = new WsClient(base, id, { cookie, origin: base });
  await c.opened;
  c.send({ t: 'hello', v: 1, ack });
  await c.until((f) => f.some((x) => x.t === 'welcome' || x.t === 'expired' || x.t === 'refused'), 15_000);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
  peek = new Redis(redis.url);
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => kill(n, 'SIGINT')));
  peek?.disconnect();
  await redis?.stop();
});

describe('durable records and durableTtlMs', () => {
  it('a page idle for longer than durableTtlMs while its node lives is still claimed with its state after the node is killed', async () => {
    const [a, b] = [await startNode('a'), await startNode('b')];
    const page = await renderLive(a.url, '/counter');
    const tab = await hello(a.url, page.id, page.cookie);
    tab.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    await tab.until((f) => f.some((x) => x.t === 're' && x.re === 1));

    // Idle for more than two TTLs, connected: no commit, only the holder's refresh sweeps.
    await sleep(TTL_MS * 2.5);
    expect(await peek.exists(recordKey(page.id))).toBe(1);
    const ttlLeft = await peek.pttl(recordKey(page.id));
    expect(ttlLeft).toBeGreaterThan(0);
    expect(ttlLeft).toBeLessThanOrEqual(TTL_MS);

    await kill(a);
    tab.close();
    const resumed = await hello(b.url, page.id, page.cookie, 1);
    expect(resumed.of('expired')).toEqual([]);
    expect(resumed.of('welcome')[0].ack).toBe(1);
    resumed.send({ t: 'ev', s: 2, n: 'add', d: { i: 2 } });
    await resumed.until((f) => f.some((x) => x.t === 're' && x.re === 2));
    // The count the first node committed, and one more: the state moved whole.
    expect(resumed.of('re').find((x) => x.re === 2).d).toEqual({ count: 2, node: 'b' });
    resumed.close();
  }, 60_000);

  it('a page whose tab is gone and whose node is killed expires durableTtlMs later: its hello is told the page is unknown', async () => {
    const a = await startNode('c');
    const b = await startNode('d');
    const page = await renderLive(a.url, '/counter');
    const tab = await hello(a.url, page.id, page.cookie);
    tab.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    await tab.until((f) => f.some((x) => x.t === 're' && x.re === 1));
    tab.close();
    await kill(a);
    // Stored when the node died: the page was claimable then.
    expect(await peek.exists(recordKey(page.id))).toBe(1);

    await sleep(TTL_MS + 500);
    expect(await peek.exists(recordKey(page.id))).toBe(0);
    const late = await hello(b.url, page.id, page.cookie, 1);
    expect(late.of('welcome')).toEqual([]);
    expect(late.of('expired')).toEqual([{ t: 'expired', reason: 'unknown' }]);
    late.close();
  }, 60_000);

  it('a live node does not keep the record of a page whose tab is gone: past retainMs the page closes and its record is removed', async () => {
    const a = await startNode('e', { PAGEBOUND_RETAIN_MS: '1000' });
    const page = await renderLive(a.url, '/counter');
    const tab = await hello(a.url, page.id, page.cookie);
    tab.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
    await tab.until((f) => f.some((x) => x.t === 're' && x.re === 1));
    tab.close();
    expect(await peek.exists(recordKey(page.id))).toBe(1);
    // Several sweeps run meanwhile (every TTL / 3); the page closes after retainMs all the same.
    await sleep(TTL_MS * 2);
    expect(await peek.exists(recordKey(page.id))).toBe(0);
    const late = await hello(a.url, page.id, page.cookie, 1);
    expect(late.of('expired')).toHaveLength(1);
    late.close();
  }, 60_000);
});
