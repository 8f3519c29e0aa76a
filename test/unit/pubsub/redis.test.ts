/**
 * The Redis PubSub against a real redis-server: the shared conformance suite, then what only a
 * distributed pub/sub has to get right — one order per topic for every node, subscriptions that come
 * back after a Redis restart, and publishes during an outage dropped and counted, never buffered
 * without bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPubSub } from '../../../src/pubsub/redis.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { runPubSubCases } from './pubsub.case.js';

let redis: TestRedis;
const opened: RedisPubSub[] = [];
const connect = async (prefix?: string) => {
  const ps = await RedisPubSub.connect({ url: redis.url, channelPrefix: prefix });
  opened.push(ps);
  return ps;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((ps) => ps.close()));
  await redis?.stop();
});

runPubSubCases('redis', () => connect());

describe('RedisPubSub across nodes', () => {
  it('gives every node the same order per topic, its own publishes included', async () => {
    const nodes = await Promise.all([connect('order:'), connect('order:'), connect('order:')]);
    const seen = nodes.map(() => [] as string[]);
    nodes.forEach((ps, i) => ps.subscribe('room', (d) => seen[i]!.push(d as string)));
    // Publishes from all three interleave; Redis picks one order and every node must see it.
    for (let k = 0; k < 50; k++) nodes.forEach((ps, i) => ps.publish('room', `${i}:${k}`));
    await expect.poll(() => seen.map((s) => s.length), { timeout: 5000 }).toEqual([150, 150, 150]);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    // Each node's own publishes keep their order within that shared order.
    for (let i = 0; i < 3; i++) {
      expect(seen[0]!.filter((m) => m.startsWith(`${i}:`))).toEqual(Array.from({ length: 50 }, (_, k) => `${i}:${k}`));
    }
  });

  it('keeps topics of different channel prefixes apart', async () => {
    const [a, b] = await Promise.all([connect('app1:'), connect('app2:')]);
    const got: unknown[] = [];
    b.subscribe('t', (d) => got.push(d));
    const mine: unknown[] = [];
    a.subscribe('t', (d) => mine.push(d));
    a.publish('t', 'for app1');
    await expect.poll(() => mine).toEqual(['for app1']);
    expect(got).toEqual([]);
  });

  it('drops publishes while Redis is down, counts them, and resumes subscriptions after a restart', async () => {
    const [x, y] = await Promise.all([connect('outage:'), connect('outage:')]);
    const got: unknown[] = [];
    y.subscribe('t', (d) => got.push(d));
    x.publish('t', 'before');
    await expect.poll(() => got).toEqual(['before']);

    await redis.kill();
    await expect.poll(() => { x.publish('t', 'during'); return x.dropped; }, { timeout: 5000 }).toBeGreaterThan(0);
    await redis.start();

    // Both connections come back on their own and y's subscription is restored: publish until one
    // arrives (the first may race the re-subscribe).
    await expect.poll(() => { x.publish('t', 'after'); return got.includes('after'); }, { timeout: 10_000, interval: 100 }).toBe(true);
    expect(got).not.toContain('during');
    expect(y.size).toBe(1);
  }, 30_000);
});
