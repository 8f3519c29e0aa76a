/**
 * The Redis store against a real redis-server: the conformance suite, then the page id kept out of
 * Redis in the clear.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/durable/redis-store.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { runStoreCases } from './store.case.js';

let redis: TestRedis;
const opened: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis?.stop();
});

runStoreCases('redis', () => {
  const store = new RedisStore({ url: redis.url });
  opened.push(store);
  return store;
});

it('keys pages by a digest: the page id (a SessionID) is not a Redis key', async () => {
  const store = new RedisStore({ url: redis.url });
  opened.push(store);
  const id = 'a.SECRETpageidSECRETpageid';
  await store.commit(id, 1, '{}', { add: [{ s: 1, payload: 'x' }], dropThrough: 0 }, 60_000);
  const client = new Redis(redis.url);
  const keys = await client.keys('*');
  await client.quit();
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.some((k) => k.includes('SECRET'))).toBe(false);
});
