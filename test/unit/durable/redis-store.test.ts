/**
 * The Redis store against a real redis-server: the conformance suite, then the page id kept out of
 * Redis in the clear, and group commit: the commits of one turn leave in one write.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/durable/redis-store.js';
import { NO_FRAMES } from '../../../src/durable/store.js';
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

it('sends the commits of many pages finishing in one turn in one write, each still fenced on its own', async () => {
  const store = new RedisStore({ url: redis.url });
  opened.push(store);
  const ids = Array.from({ length: 20 }, (_, i) => `a.groupcommit${String(i).padStart(12, '0')}`);
  // Connected, the script loaded, and one page already claimed away from epoch 1.
  await store.commit(ids[0]!, 1, 'first', NO_FRAMES, 60_000);
  expect(await store.claim(ids[0]!, 1, 60_000)).toBe(2);
  // Counts the writes every socket of this process makes while the commits are sent.
  const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const original = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      writes++;
      return original[name].apply(this, args);
    };
  }
  let results: boolean[];
  try {
    results = await Promise.all(ids.map((id) => store.commit(id, 1, `{"id":"${id}"}`, NO_FRAMES, 60_000)));
  } finally {
    Object.assign(proto, original);
  }
  expect(writes).toBe(1);
  // The claimed page refused the old epoch; every other page stored its own snapshot.
  expect(results).toEqual([false, ...Array(19).fill(true)]);
  expect((await store.read(ids[0]!))?.data).toBe('first');
  expect((await store.read(ids[7]!))?.data).toBe(`{"id":"${ids[7]}"}`);
});
